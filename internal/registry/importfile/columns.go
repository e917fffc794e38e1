package importfile

import (
	"strings"

	"safetynet/internal/registry"
)

// kind is one of the three tables of the format.
type kind int

const (
	persons kind = iota
	incomes
	assets
)

// column is one column of a table: its English code, its Chinese names
// (the first is the one the template writes; the others are spellings seen in
// local forms), and a hint that the template shows as a comment.
type column struct {
	Code     string
	Names    []string
	Required bool
	// Household marks a household column, read from the head's row only.
	Household bool
	// Text marks a column the template formats as text, so that Excel keeps
	// long digit strings (ID numbers, accounts, region codes) as typed.
	Text bool
	// Enum names the label map of an enumerated column.
	Enum *enum
	Hint string
}

// Column describes one column of the import format, for documentation and
// for writers of the format (internal/gen).
type Column struct {
	Code     string // the English header, e.g. "id_number"
	Name     string // the Chinese header, e.g. "身份证号"
	Required bool
}

// table is one table of the format.
type table struct {
	Kind   kind
	File   string   // CSV file name
	Sheets []string // accepted sheet names (and CSV base names); the first is the template's
	Cols   []column
}

var tables = [3]*table{
	persons: {Kind: persons, File: "persons.csv", Sheets: []string{"人员", "persons", "成员", "家庭成员"}, Cols: []column{
		{Code: "household_ref", Names: []string{"户编号", "临时户号", "户号", "家庭编号"}, Required: true, Text: true,
			Hint: "同一户的成员填写相同的户编号（可用临时编号），用于把人员归为一户"},
		{Code: "relationship", Names: []string{"与户主关系", "关系"}, Required: true, Enum: relationshipEnum,
			Hint: "每户必须且只能有一名户主"},
		{Code: "name", Names: []string{"姓名"}, Required: true, Hint: "不超过50个字"},
		{Code: "id_number", Names: []string{"身份证号", "身份证号码", "公民身份号码", "身份证"}, Required: true, Text: true,
			Hint: "18位居民身份证号码；请设置为文本格式，否则Excel会显示为4.40103E+17并丢失末位。性别和出生日期取自身份证号"},
		{Code: "phone", Names: []string{"联系电话", "电话", "手机号", "手机号码"}, Text: true},
		{Code: "hukou_region", Names: []string{"户籍地区划代码", "户籍地"}, Text: true, Hint: "6、9或12位区划代码，可空"},
		{Code: "school_status", Names: []string{"在学状况", "在校情况", "就学状况"}, Enum: schoolEnum},
		{Code: "employment_status", Names: []string{"就业状况", "就业情况"}, Enum: employmentEnum},
		{Code: "labour_capacity", Names: []string{"劳动能力"}, Enum: labourEnum},
		{Code: "disability_category", Names: []string{"残疾类别", "残疾类型"}, Enum: disabilityEnum},
		{Code: "disability_grade", Names: []string{"残疾等级"}, Enum: gradeEnum, Hint: "一级（最重）至四级"},
		{Code: "serious_illness", Names: []string{"重病", "重大疾病", "重病名称"}, Hint: "填写病名，无则留空"},
		{Code: "self_care", Names: []string{"生活自理能力", "自理能力"}, Enum: selfCareEnum},
		{Code: "death_date", Names: []string{"死亡日期"}, Hint: "YYYY-MM-DD；已故成员保留在表中并填写死亡日期"},
		{Code: "joined_on", Names: []string{"入户日期", "成员起始日期"}, Hint: "YYYY-MM-DD；留空表示自出生起"},
		{Code: "region_code", Names: []string{"区划代码", "所在地区划代码", "所在区划", "行政区划代码", "村居代码"}, Required: true, Household: true, Text: true,
			Hint: "户主行填写：12位村（社区）或9位乡镇（街道）代码"},
		{Code: "address", Names: []string{"家庭住址", "住址", "地址"}, Required: true, Household: true, Hint: "户主行填写"},
		{Code: "hukou_type", Names: []string{"户籍类型", "户口性质", "户口类型"}, Required: true, Household: true, Enum: hukouEnum,
			Hint: "户主行填写：城镇或农村"},
		{Code: "residence_region", Names: []string{"居住地区划代码", "居住地"}, Household: true, Text: true,
			Hint: "户主行填写；居住地与户籍地不同时填写"},
		{Code: "residence_address", Names: []string{"居住地址"}, Household: true},
		{Code: "bank_name", Names: []string{"开户银行", "开户行"}, Household: true},
		{Code: "bank_account", Names: []string{"银行账号", "银行卡号", "账号"}, Household: true, Text: true},
		{Code: "bank_holder", Names: []string{"账户户名", "开户人", "户名"}, Household: true},
	}},
	incomes: {Kind: incomes, File: "incomes.csv", Sheets: []string{"收入", "incomes"}, Cols: []column{
		{Code: "household_ref", Names: []string{"户编号", "临时户号", "户号", "家庭编号"}, Text: true,
			Hint: "家庭收入（不属于某一成员）填写户编号、身份证号留空"},
		{Code: "id_number", Names: []string{"身份证号", "身份证号码", "公民身份号码", "身份证"}, Text: true, Hint: "取得收入的成员"},
		{Code: "type", Names: []string{"收入类型", "类型"}, Required: true, Enum: incomeEnum},
		{Code: "month", Names: []string{"月份", "收入月份"}, Required: true, Text: true, Hint: "YYYY-MM"},
		{Code: "amount", Names: []string{"金额", "收入金额", "月收入"}, Required: true, Hint: "元，最多两位小数，不得为负"},
		{Code: "employment_cost", Names: []string{"就业成本"}, Hint: "元"},
		{Code: "note", Names: []string{"备注", "说明"}},
	}},
	assets: {Kind: assets, File: "assets.csv", Sheets: []string{"资产", "assets", "财产"}, Cols: []column{
		{Code: "household_ref", Names: []string{"户编号", "临时户号", "户号", "家庭编号"}, Text: true},
		{Code: "id_number", Names: []string{"身份证号", "身份证号码", "公民身份号码", "身份证"}, Text: true, Hint: "所有人，可空"},
		{Code: "type", Names: []string{"资产类型", "类型"}, Required: true, Enum: assetEnum},
		{Code: "description", Names: []string{"资产说明", "说明", "描述", "名称"},
			Hint: "如：开户行和产品、车辆品牌和号牌、房产地址"},
		{Code: "value", Names: []string{"价值", "金额", "价值（元）"}, Required: true, Hint: "元"},
		{Code: "area", Names: []string{"面积", "建筑面积"}, Hint: "房产建筑面积，平方米"},
		{Code: "valid_from", Names: []string{"取得日期", "起始日期"}, Required: true, Hint: "YYYY-MM-DD"},
	}},
}

// Columns returns the columns of a table ("persons", "incomes" or "assets")
// in the order the template and the generator write them.
func Columns(tableName string) []Column {
	for _, t := range tables {
		if t.Sheets[1] == tableName {
			out := make([]Column, len(t.Cols))
			for i, c := range t.Cols {
				out[i] = Column{Code: c.Code, Name: c.Names[0], Required: c.Required}
			}
			return out
		}
	}
	return nil
}

// headerKey normalises a header cell for lookup: a BOM, spaces (also the
// ideographic space), required-field stars and a trailing parenthesised
// remark ("金额（元）") are dropped, and English is lower-cased with spaces
// turned into underscores, so "ID Number" finds id_number.
func headerKey(s string) string {
	s = strings.TrimPrefix(s, "\ufeff")
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "*＊"))
	for _, open := range []string{"（", "("} {
		if i := strings.Index(s, open); i > 0 && (strings.HasSuffix(s, ")") || strings.HasSuffix(s, "）")) {
			s = strings.TrimSpace(s[:i])
		}
	}
	s = strings.Trim(s, "*＊ \u3000")
	s = strings.ToLower(s)
	return strings.NewReplacer(" ", "_", "-", "_", "\u3000", "").Replace(s)
}

// index maps normalised header names to column positions in t.Cols.
func (t *table) index() map[string]int {
	m := map[string]int{}
	for i, c := range t.Cols {
		m[c.Code] = i
		for _, n := range c.Names {
			if _, dup := m[headerKey(n)]; !dup {
				m[headerKey(n)] = i
			}
		}
	}
	return m
}

// enum is the label map of an enumerated column: the English codes and the
// Chinese labels people write. Labels[i] is the template label of Codes[i].
type enum struct {
	Codes  []string
	Labels []string
	lookup map[string]string
}

// newEnum builds an enum from rows of code, template label, other spellings.
func newEnum(rows ...[]string) *enum {
	e := &enum{lookup: map[string]string{}}
	for _, r := range rows {
		e.Codes = append(e.Codes, r[0])
		e.Labels = append(e.Labels, r[1])
		for _, s := range r {
			e.lookup[enumKey(s)] = r[0]
		}
	}
	return e
}

// blanks are the cell values that mean "none" in a local form.
var blanks = map[string]bool{"无": true, "否": true, "/": true, "-": true, "—": true, "none": true}

// parse returns the code for a cell; ok is false for an unknown label.
func (e *enum) parse(s string) (code string, ok bool) {
	code, ok = e.lookup[s]
	if !ok {
		code, ok = e.lookup[enumKey(s)]
	}
	return code, ok
}

func enumKey(s string) string {
	return strings.ToLower(strings.Trim(s, " \t\u3000"))
}

// labelList is the readable list of accepted values for an error message.
func (e *enum) labelList() string {
	var b strings.Builder
	for i := range e.Codes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Labels[i])
		b.WriteString("/")
		b.WriteString(e.Codes[i])
	}
	return b.String()
}

var (
	relationshipEnum = newEnum(
		[]string{string(registry.RelHead), "户主", "本人"},
		[]string{string(registry.RelSpouse), "配偶", "妻", "妻子", "夫", "丈夫"},
		[]string{string(registry.RelChild), "子女", "子", "女", "儿子", "女儿", "长子", "次子", "三子", "长女", "次女", "三女",
			"独生子", "独生女", "养子", "养女", "继子", "继女"},
		[]string{string(registry.RelChildInLaw), "儿媳", "女婿", "子女配偶", "儿媳妇"},
		[]string{string(registry.RelGrandchild), "孙子女", "孙子", "孙女", "外孙子女", "外孙", "外孙女"},
		[]string{string(registry.RelParent), "父母", "父亲", "母亲", "父", "母"},
		[]string{string(registry.RelParentInLaw), "岳父母", "公婆", "岳父", "岳母", "公公", "婆婆", "配偶父母"},
		[]string{string(registry.RelGrandparent), "祖父母", "外祖父母", "祖父", "祖母", "外祖父", "外祖母", "爷爷", "奶奶", "外公", "外婆"},
		[]string{string(registry.RelSibling), "兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"},
		[]string{string(registry.RelOther), "其他"},
	)
	hukouEnum = newEnum(
		[]string{string(registry.Urban), "城镇", "城市", "非农业", "非农业户口", "城镇户口"},
		[]string{string(registry.Rural), "农村", "农业", "农业户口", "农村户口"},
	)
	schoolEnum = newEnum(
		[]string{string(registry.SchoolNone), "未在学", "不在学", "非在校"},
		[]string{string(registry.SchoolPreschool), "学前教育", "学前", "幼儿园"},
		[]string{string(registry.SchoolPrimary), "小学"},
		[]string{string(registry.SchoolJunior), "初中"},
		[]string{string(registry.SchoolSenior), "高中", "普通高中"},
		[]string{string(registry.SchoolVocational), "中等职业教育", "中职", "职高", "中专", "技校"},
		[]string{string(registry.SchoolHigher), "高等教育", "大学", "大专", "本科", "研究生", "高职"},
		[]string{string(registry.SchoolDropout), "辍学"},
	)
	employmentEnum = newEnum(
		[]string{string(registry.Employed), "就业", "在职", "受雇", "务工"},
		[]string{string(registry.SelfEmployed), "个体经营", "个体", "自营"},
		[]string{string(registry.Farming), "务农"},
		[]string{string(registry.Flexible), "灵活就业"},
		[]string{string(registry.Unemployed), "失业", "无业", "待业"},
		[]string{string(registry.Retired), "退休", "离退休"},
		[]string{string(registry.Student), "在校学生", "学生"},
		[]string{string(registry.NotWorking), "不在业", "不适用"},
	)
	labourEnum = newEnum(
		[]string{string(registry.LabourFull), "有劳动能力", "完全劳动能力", "完全", "全部"},
		[]string{string(registry.LabourPartial), "部分丧失劳动能力", "部分劳动能力", "半劳动能力", "部分"},
		[]string{string(registry.LabourNone), "无劳动能力", "丧失劳动能力", "完全丧失劳动能力"},
	)
	disabilityEnum = newEnum(
		[]string{string(registry.DisVisual), "视力", "视力残疾"},
		[]string{string(registry.DisHearing), "听力", "听力残疾"},
		[]string{string(registry.DisSpeech), "言语", "言语残疾"},
		[]string{string(registry.DisPhysical), "肢体", "肢体残疾"},
		[]string{string(registry.DisIntellectual), "智力", "智力残疾"},
		[]string{string(registry.DisMental), "精神", "精神残疾"},
		[]string{string(registry.DisMultiple), "多重", "多重残疾"},
	)
	gradeEnum = newEnum(
		[]string{"1", "一级", "1级", "一", "壹级"},
		[]string{"2", "二级", "2级", "二", "贰级"},
		[]string{"3", "三级", "3级", "三", "叁级"},
		[]string{"4", "四级", "4级", "四", "肆级"},
	)
	selfCareEnum = newEnum(
		[]string{string(registry.SelfCareFull), "完全自理", "自理", "能自理", "生活自理"},
		[]string{string(registry.SelfCarePartial), "部分丧失", "部分自理", "半自理", "部分丧失生活自理能力"},
		[]string{string(registry.SelfCareNone), "完全丧失", "不能自理", "完全不能自理", "完全丧失生活自理能力"},
	)
	incomeEnum = newEnum(
		[]string{string(registry.IncomeWage), "工资性收入", "工资", "工资收入"},
		[]string{string(registry.IncomeBusiness), "经营净收入", "经营性收入", "经营收入", "经营"},
		[]string{string(registry.IncomeProperty), "财产净收入", "财产性收入", "财产收入", "财产"},
		[]string{string(registry.IncomeTransfer), "转移净收入", "转移性收入", "转移收入", "转移"},
		[]string{string(registry.IncomeOther), "其他收入", "其他"},
	)
	assetEnum = newEnum(
		[]string{string(registry.AssetDeposit), "存款", "银行存款", "储蓄"},
		[]string{string(registry.AssetSecurities), "有价证券", "证券", "股票", "基金", "债券", "商业保险", "理财"},
		[]string{string(registry.AssetVehicle), "机动车辆", "车辆", "机动车", "汽车"},
		[]string{string(registry.AssetRealEstate), "房产", "房屋", "住房", "不动产"},
		[]string{string(registry.AssetBusiness), "市场主体", "经营主体", "工商登记", "企业", "个体工商户"},
		[]string{string(registry.AssetOther), "其他"},
	)
)

// Labels returns the Chinese label of each code of an enumerated column
// (table "persons", "incomes" or "assets"; column "relationship", "type",
// ...), for writers of the format; nil for a column that is not enumerated.
func Labels(tableName, code string) map[string]string {
	for _, t := range tables {
		if t.Sheets[1] != tableName {
			continue
		}
		for _, c := range t.Cols {
			if c.Code == code && c.Enum != nil {
				m := make(map[string]string, len(c.Enum.Codes))
				for i, k := range c.Enum.Codes {
					m[k] = c.Enum.Labels[i]
				}
				return m
			}
		}
	}
	return nil
}
