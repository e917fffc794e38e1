package verify

import "safetynet/internal/registry"

// Catalog returns the built-in sources: the departments' datasets SAIM
// Art. 58 names (household registration, tax, social insurance, real
// estate, business registration, housing provident fund, vehicles; banks,
// insurers and securities firms) and those DB57 and local rules add (deaths,
// medical spending, disability certificates, school enrolment; policy
// reference §6), and emergency management's persons hit by a disaster or
// an accident, which monitoring reads (policy reference §7). A new slice
// each call: callers may change it.
func Catalog() []Source {
	return []Source{
		{
			Code: "tax", ZH: "个人所得税收入", EN: "income tax records", Department: "税务部门", DepartmentEN: "tax authority",
			Cadence: "monthly", Use: UseIncome, IncomeType: registry.IncomeWage,
			Fields: []Field{idField, monthField, incomeTypeField,
				amountField("amount", "收入额", "income", true, false), textField("payer", "扣缴义务人", "withholding agent", true)},
			Key: []string{"id_number", "month", "income_type", "payer"},
		},
		{
			Code: "pension", ZH: "养老金领取", EN: "pensions paid", Department: "人力资源社会保障部门", DepartmentEN: "human resources and social security",
			Cadence: "monthly", Use: UseIncome, IncomeType: registry.IncomeTransfer,
			Fields: []Field{idField, monthField, amountField("amount", "养老金", "pension", true, false),
				enumField("scheme", "险种", "scheme", false, []string{"employee", "resident"}, []string{"职工基本养老保险", "城乡居民基本养老保险"})},
			Key: []string{"id_number", "month"},
		},
		{
			Code: "social_insurance", ZH: "社会保险缴费", EN: "social-insurance contributions", Department: "人力资源社会保障部门", DepartmentEN: "human resources and social security",
			Cadence: "monthly", Use: UseContribution,
			Fields: []Field{idField, monthField, amountField("base", "缴费基数", "contribution base", false, false), textField("employer", "参保单位", "employer")},
			Key:    []string{"id_number", "month"},
		},
		{
			Code: "unemployment", ZH: "失业保险金", EN: "unemployment insurance benefits", Department: "人力资源社会保障部门", DepartmentEN: "human resources and social security",
			Cadence: "monthly", Use: UseUnemployment, IncomeType: registry.IncomeTransfer,
			Fields: []Field{idField, monthField, amountField("amount", "失业保险金", "benefit", true, false)},
			Key:    []string{"id_number", "month"},
		},
		{
			Code: "real_estate", ZH: "不动产登记", EN: "real-estate registrations", Department: "自然资源部门（不动产登记机构）", DepartmentEN: "natural resources (real-estate registry)",
			Cadence: "monthly", Use: UseAsset, AssetType: registry.AssetRealEstate,
			Fields: []Field{idField, textField("certificate", "不动产权证号", "certificate number", true), textField("address", "坐落", "address"),
				decimalField("area", "建筑面积（平方米）", "floor area (m²)"), amountField("value", "评估价值", "assessed value", true, false),
				dateField("valid_from", "登记日期", "registered on", true), dateField("valid_to", "注销日期", "cancelled on", false)},
			Key: []string{"id_number", "certificate"},
		},
		{
			Code: "vehicle", ZH: "机动车登记", EN: "vehicle registrations", Department: "公安交通管理部门", DepartmentEN: "traffic police",
			Cadence: "monthly", Use: UseAsset, AssetType: registry.AssetVehicle,
			Fields: []Field{idField, textField("plate", "号牌号码", "plate", true), textField("model", "品牌型号", "make and model"),
				enumField("kind", "车辆类型", "kind", false, []string{"car", "truck", "motorcycle", "tricycle", "other"}, []string{"小型汽车", "货车", "摩托车", "三轮车", "其他"}),
				amountField("value", "车辆价值", "value", true, false), dateField("valid_from", "登记日期", "registered on", true), dateField("valid_to", "注销日期", "deregistered on", false)},
			Key: []string{"id_number", "plate"},
		},
		{
			Code: "business", ZH: "市场主体登记", EN: "business registrations", Department: "市场监督管理部门", DepartmentEN: "market regulation",
			Cadence: "monthly", Use: UseAsset, AssetType: registry.AssetBusiness,
			Fields: []Field{idField, textField("credit_code", "统一社会信用代码", "unified social credit code", true), textField("name", "市场主体名称", "name"),
				enumField("role", "身份", "role", true, []string{"owner", "legal_rep", "shareholder"}, []string{"个体工商户经营者", "法定代表人", "股东"}),
				amountField("value", "注册资本（认缴）", "registered capital", true, false),
				dateField("valid_from", "成立日期", "established on", true), dateField("valid_to", "注销日期", "closed on", false)},
			Key: []string{"id_number", "credit_code"},
		},
		{
			Code: "provident_fund", ZH: "住房公积金", EN: "housing provident fund", Department: "住房公积金管理中心", DepartmentEN: "housing provident fund centre",
			Cadence: "monthly", Use: UseContribution,
			Fields: []Field{idField, monthField, amountField("base", "缴存基数", "contribution base", false, false), amountField("balance", "账户余额", "balance", false, false)},
			Key:    []string{"id_number", "month"},
		},
		{
			Code: "deposit", ZH: "银行存款（按人汇总）", EN: "bank deposits (per person)", Department: "人民银行及各商业银行", DepartmentEN: "banks",
			Cadence: "quarterly", Use: UseAsset, AssetType: registry.AssetDeposit,
			Fields: []Field{idField, dateField("as_of", "余额日期", "balance date", true), amountField("value", "存款余额合计", "total balance", true, false), intField("accounts", "账户数", "accounts", false)},
			Key:    []string{"id_number"},
		},
		{
			Code: "securities", ZH: "证券、基金及商业保险（按人汇总）", EN: "securities, funds and insurance (per person)", Department: "证券、基金公司及保险机构", DepartmentEN: "securities firms, funds and insurers",
			Cadence: "quarterly", Use: UseAsset, AssetType: registry.AssetSecurities,
			Fields: []Field{idField, dateField("as_of", "市值日期", "valuation date", true), amountField("value", "市值及现金价值合计", "total value", true, false)},
			Key:    []string{"id_number"},
		},
		{
			Code: "death", ZH: "死亡信息", EN: "deaths", Department: "公安、卫生健康（殡葬）部门", DepartmentEN: "police, health and funeral services",
			Cadence: "weekly", Use: UseDeath,
			Fields: []Field{idField, dateField("death_date", "死亡日期", "date of death", true),
				enumField("origin", "信息来源", "reported by", false, []string{"hukou_cancelled", "medical_certificate", "cremation"}, []string{"户籍注销", "死亡医学证明", "火化"})},
			Key: []string{"id_number"},
		},
		{
			Code: "hukou", ZH: "户籍变动", EN: "household-registration changes", Department: "公安机关（户政）", DepartmentEN: "police (household registration)",
			Cadence: "weekly", Use: UseHukou,
			Fields: []Field{idField, dateField("event_date", "变动日期", "date", true),
				enumField("event", "变动类型", "change", true, []string{"moved_in", "moved_out", "death", "enlisted", "settled_abroad", "other"}, []string{"迁入", "迁出", "死亡注销", "服兵役", "出国（境）定居", "其他"}),
				textField("region", "迁入（迁出）地", "to or from")},
			Key: []string{"id_number", "event_date", "event"},
		},
		{
			Code: "prison", ZH: "服刑人员信息", EN: "persons serving sentences", Department: "司法行政部门（监狱管理）", DepartmentEN: "justice (prison administration)",
			Cadence: "monthly", Use: UsePrison,
			Fields: []Field{idField, dateField("admitted_on", "入监日期", "admitted on", true), dateField("released_on", "释放（刑满）日期", "released on", false)},
			Key:    []string{"id_number", "admitted_on"},
		},
		{
			Code: "medical", ZH: "医疗费用个人负担", EN: "medical spending paid by the person", Department: "医疗保障部门", DepartmentEN: "medical insurance",
			Cadence: "monthly", Use: UseMedical,
			Fields: []Field{idField, monthField, amountField("total", "医疗总费用", "total cost", false, false), amountField("out_of_pocket", "个人自付", "paid by the person", true, false)},
			Key:    []string{"id_number", "month"},
		},
		{
			Code: "disability", ZH: "残疾人证", EN: "disability certificates", Department: "残疾人联合会", DepartmentEN: "disabled persons' federation",
			Cadence: "monthly", Use: UseDisability,
			Fields: []Field{idField, textField("certificate", "残疾人证号", "certificate number"),
				enumField("category", "残疾类别", "category", true, disabilityCodes(), []string{"视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"}),
				rangedIntField("grade", "残疾等级", "grade", 1, 4), dateField("valid_to", "有效期至", "valid until", false)},
			Key: []string{"id_number"},
		},
		{
			Code: "school", ZH: "学籍信息", EN: "school enrolment", Department: "教育部门", DepartmentEN: "education",
			Cadence: "quarterly", Use: UseSchool,
			Fields: []Field{idField, textField("school", "学校", "school"),
				enumField("stage", "学段", "stage", false, []string{"preschool", "primary", "junior", "senior", "vocational", "higher"}, []string{"学前", "小学", "初中", "普通高中", "中职", "高等教育"}),
				enumField("status", "学籍状态", "status", true, []string{"enrolled", "suspended", "left", "graduated"}, []string{"在读", "休学", "辍学（退学）", "毕业"}),
				dateField("as_of", "状态日期", "as of", true)},
			Key: []string{"id_number"},
		},
		{
			// Persons hit by a natural disaster or an accident, as the
			// emergency management department's disaster-information
			// system records them for relief: the need side of monitoring
			// (SAIM Art. 47, temporary hardship from accidents; policy
			// reference §4).
			Code: "disaster", ZH: "受灾及意外事故人员", EN: "persons hit by disasters or accidents", Department: "应急管理部门", DepartmentEN: "emergency management",
			Cadence: "weekly", Use: UseDisaster,
			Fields: []Field{idField, dateField("event_date", "发生日期", "date of the event", true),
				enumField("event_type", "灾害事故类型", "kind of event", true,
					[]string{"flood", "drought", "typhoon", "earthquake", "geological", "snow_freeze", "fire", "accident", "other"},
					[]string{"洪涝", "干旱", "台风", "地震", "地质灾害", "低温冷冻和雪灾", "火灾", "生产安全或交通事故", "其他"}),
				enumField("severity", "受灾程度", "severity", false, []string{"minor", "moderate", "severe"}, []string{"轻度（财物损失）", "中度（房屋损坏或受伤）", "重度（房屋倒塌、重伤或死亡）"}),
				amountField("loss", "直接经济损失", "direct loss", false, false), textField("place", "发生地点", "place")},
			Key: []string{"id_number", "event_date", "event_type"},
		},
		{
			// Persons registered for monitoring against relapse into
			// poverty (防止返贫监测对象, policy reference §7: one of the
			// six groups of the monitored low-income population, "3
			// million+" nationally), in the rural revitalisation
			// department's three kinds. A record without an elimination
			// date is monitored now (store: MonitoredHouseholds).
			Code: "relapse", ZH: "防止返贫监测对象", EN: "persons monitored against relapse into poverty", Department: "乡村振兴部门", DepartmentEN: "rural revitalisation",
			Cadence: "monthly", Use: UseInfo,
			Fields: []Field{idField, dateField("registered_on", "纳入监测日期", "registered for monitoring on", true),
				enumField("risk_type", "监测对象类别", "kind", false,
					[]string{"unstable_exit", "marginal", "sudden_hardship"}, []string{"脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}),
				dateField("eliminated_on", "风险消除日期", "risk eliminated on", false)},
			Key: []string{"id_number", "registered_on"},
		},
	}
}

// BuiltinSource returns the built-in source with code c.
func BuiltinSource(c string) (Source, bool) {
	for _, s := range Catalog() {
		if s.Code == c {
			s.Builtin = true
			return s, true
		}
	}
	return Source{}, false
}

var (
	idField = Field{Code: "id_number", ZH: "公民身份号码", EN: "ID number", Type: TypeID, Required: true,
		Aliases: []string{"身份证号码", "身份证号", "证件号码", "身份证件号码", "sfzh", "zjhm"}}
	monthField = Field{Code: "month", ZH: "所属期（年月）", EN: "month", Type: TypeMonth, Required: true,
		Aliases: []string{"所属期", "所属月份", "年月", "税款所属期", "期间"}}
	incomeTypeField = enumField("income_type", "所得项目", "income type", true,
		[]string{string(registry.IncomeWage), string(registry.IncomeBusiness), string(registry.IncomeProperty), string(registry.IncomeOther)},
		[]string{"工资薪金所得", "经营所得", "财产性所得（利息股息红利、财产租赁、转让）", "其他所得"})
)

var zero = int64(0)

func amountField(code, zh, en string, required, negative bool) Field {
	f := Field{Code: code, ZH: zh, EN: en, Type: TypeMoney, Required: required}
	if !negative {
		f.Min = &zero
	}
	return f
}

func textField(code, zh, en string, required ...bool) Field {
	return Field{Code: code, ZH: zh, EN: en, Type: TypeText, Required: len(required) > 0 && required[0]}
}

func dateField(code, zh, en string, required bool) Field {
	return Field{Code: code, ZH: zh, EN: en, Type: TypeDate, Required: required}
}

func decimalField(code, zh, en string) Field {
	return Field{Code: code, ZH: zh, EN: en, Type: TypeDecimal, Min: &zero}
}

func intField(code, zh, en string, required bool) Field {
	return Field{Code: code, ZH: zh, EN: en, Type: TypeInt, Required: required, Min: &zero}
}

func rangedIntField(code, zh, en string, lo, hi int64) Field {
	return Field{Code: code, ZH: zh, EN: en, Type: TypeInt, Required: true, Min: &lo, Max: &hi}
}

func enumField(code, zh, en string, required bool, values, labels []string) Field {
	return Field{Code: code, ZH: zh, EN: en, Type: TypeEnum, Required: required, Values: values, Labels: labels}
}

func disabilityCodes() []string {
	out := make([]string, len(registry.DisabilityCategories))
	for i, c := range registry.DisabilityCategories {
		out[i] = string(c)
	}
	return out
}
