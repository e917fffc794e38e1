package auth

import "testing"

func TestParamPermissions(t *testing.T) {
	for _, r := range Roles {
		if got, want := r.Can(ParamRead), r != Partner; got != want {
			t.Errorf("%s: got Can(param.read) %v, want %v", r, got, want)
		}
		want := r == CountyApprover || r == Supervisor || r == Admin
		if got := r.Can(ParamWrite); got != want {
			t.Errorf("%s: got Can(param.write) %v, want %v", r, got, want)
		}
	}
}

func TestMaySetParam(t *testing.T) {
	user := func(role Role, region string) *Principal {
		return &Principal{User: User{Role: role, Region: region}}
	}
	tests := []struct {
		name  string
		p     *Principal
		scope string
		want  bool
	}{
		{"CountyOwn", user(CountyApprover, "440103"), "440103", true},
		{"CountyOtherCounty", user(CountyApprover, "440103"), "440104", false},
		{"CountyItsCity", user(CountyApprover, "440103"), "4401", false},
		{"CountyNational", user(CountyApprover, "440103"), "", false},
		{"CityOwn", user(Supervisor, "4401"), "4401", true},
		{"CityCounty", user(Supervisor, "4401"), "440103", true},
		{"CityProvince", user(Supervisor, "4401"), "44", false},
		{"CityOtherCity", user(Supervisor, "4402"), "440103", false},
		{"ProvinceCity", user(Supervisor, "44"), "4401", true},
		{"AdminNational", user(Admin, ""), "", true},
		{"AdminAnywhere", user(Admin, ""), "110101", true},
		{"ProvinceAdminNational", user(Admin, "44"), "", false},
		{"TownshipCaseworker", user(TownshipCaseworker, "440103"), "440103", false},
		{"Disabled", &Principal{User: User{Role: Admin, Disabled: true}}, "", false},
		{"BadScope", user(Admin, ""), "4", false},
		{"Nil", nil, "44", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.MaySetParam(tt.scope); got != tt.want {
				t.Errorf("MaySetParam(%q): got %v, want %v", tt.scope, got, tt.want)
			}
		})
	}
}
