package web

import "safetynet/internal/monitor"

// Chinese for the pages of the monitored population and of the risk
// rules (ui_monitor_population.go, ui_monitor_rules.go), the labels of
// the rules' enumerations, and the meaning of the names a rule may use.
func init() {
	for k, v := range map[string]string{
		// The monitored population.
		"Total":     "合计",
		"%d months": "%d 个月",
		"not set":   "未设置",
		"Recently exited: %s (monitor.exited.months); rejected applicants: %s (monitor.rejected.months).": "近期退出救助人员监测期：%s（monitor.exited.months）；申请未获批准人员监测期：%s（monitor.rejected.months）。",
		"Counties that set their own windows are counted with them.":                                      "自行设置监测期的县（市、区）按其本地设置统计。",
		"Households (any category)":    "户数（合计）",
		"Persons (any category)":       "人数（合计）",
		"households":                   "户数",
		"persons":                      "人数",
		"Monitored households":         "监测家庭",
		"Any category":                 "全部类别",
		"Category":                     "类别",
		"Categories":                   "监测类别",
		"No monitored household here.": "此处没有监测家庭。",
		"Back to the counts":           "返回统计",
		"Download CSV":                 "下载CSV",
		"Households and their current members in each monitored category on %s, by region: Dibao and Tekun recipients, marginal and rigid-expenditure households, other benefits, and people who recently exited assistance or were refused it. A household may fall in several categories, so the total counts it once.": "截至 %s 各监测类别的家庭及其现有成员，按行政区划统计：低保、特困对象，低保边缘家庭和刚性支出困难家庭，其他救助对象，以及近期退出救助或申请未获批准的人员。一户可属于多个类别，合计中只计一次。",
		"Each cell: households / persons. Choose a region to see its own regions; choose a number to list the households.": "每格为：户数 / 人数。点击地区名称查看下级地区；点击数字列出家庭。",
		"No one is monitored in this region yet: households enter the population with a benefit, an exit or a refusal.":    "本地区尚无监测对象：家庭在享受救助、退出救助或申请未获批准后纳入监测。",
		"list the households of a county, township or village: %s is wider":                                                "请列出县（市、区）、乡镇（街道）或村（社区）的家庭：%s 范围过大",
		"unknown category %q": "未知的监测类别 %q",

		// The rules.
		"Code, name or expression": "代码、名称或表达式",
		"Rule code":                "规则代码",
		"All":                      "全部",
		"Local":                    "本地",
		"Finds":                    "发现",
		"Active":                   "已启用",
		"Inactive":                 "未启用",
		"Lower-case letters, digits and underscores, such as medical_spending; a county's own version of a rule keeps its code": "小写字母、数字和下划线，如 medical_spending；本县对某条规则的调整版本沿用其代码",
		"The rule applies to the households of this region.":                                                                    "规则适用于该地区的家庭。",
		"Program concerned":                         "涉及的救助项目",
		"The document and article the rule follows": "规则依据的文件及条款",
		"A condition that is true for a person the rule warns about, such as person.medical_oop_3m > params.medical_multiple * household.standard": "对需预警的人成立的条件，如 person.medical_oop_3m > params.medical_multiple * household.standard",
		"New risk rule": "新建预警规则",
		"The rule was saved. It stays inactive until it is activated: try it on current data first.": "规则已保存。启用前不会生效：请先用当前数据试运行。",
		"The rule is active: monitoring runs from now on use it.":                                    "规则已启用：此后的监测批次将使用该规则。",
		"The rule is inactive: monitoring runs no longer use it.":                                    "规则已停用：监测批次不再使用该规则。",
		"Risk rule %s":                  "预警规则 %s",
		"Line %d:":                      "第 %d 行：",
		"Where the expression is wrong": "表达式出错的位置",
		"column %d":                     "第 %d 列",
		"A new rule starts inactive.":   "新规则保存后处于未启用状态。",
		"Saving a change makes the rule inactive until it is activated again.": "修改保存后，规则将停用，须重新启用。",
		"Save the rule":      "保存规则",
		"Copy for my region": "复制为本地规则",
		"This rule's scope is wider than your jurisdiction: copy it for your region to change or activate it there.": "该规则的适用范围大于您的管辖范围：请复制为本地规则后在本地修改或启用。",
		"Try it on current data": "试运行",
		"Runs the saved rule over the monitored population of your jurisdiction as it stands today, without raising anything.": "用当前数据对本辖区的监测对象运行已保存的规则，不生成预警。",
		"Dry run":           "试运行",
		"Monitored persons": "监测人数",
		"Would be warned":   "将预警人数",
		"Share":             "占比",
		"Over %s.":          "范围：%s。",
		"For example:":      "示例家庭：",
		"Activate":          "启用",
		"Deactivate":        "停用",
		"Monitoring runs stop using the rule; warnings it raised stay.": "监测批次将不再使用该规则；已生成的预警保留。",
		"Deactivate the rule": "停用规则",
		"This rule would warn about more than a fifth (20%) of the monitored population. A rule that flags so many is more often a mistake than a finding: look at the dry run and the examples before you confirm.": "该规则将对超过五分之一（20%）的监测对象预警。预警面如此之大，多半是规则有误而非真有风险：请先查看试运行结果和示例家庭，再确认启用。",
		"I have looked at the dry run and want to activate the rule anyway":                                                                       "我已查看试运行结果，仍要启用该规则",
		"The rule is tried again on current data when you activate it; above a fifth (20%) of the monitored population you are asked to confirm.": "启用时将用当前数据再试运行一次；预警人数超过监测对象五分之一（20%）时须确认。",
		"Activate the rule":    "启用规则",
		"Names a rule may use": "规则可用的名称",
		"Amounts are yuan; \"recent\" is the three months before the month of the run. Combine with and, or, not, comparisons, arithmetic and in (\"dibao\" in household.programs).": "金额单位为元；“近期”指运行当月之前的三个月。可用 and、or、not、比较、算术运算和 in 组合（如 \"dibao\" in household.programs）。",
		"Name in the expression": "名称",
		"Value type":             "取值类型",
		"Meaning":                "含义",
		"No risk rule yet.":      "尚无预警规则。",
		"No rule matches.":       "没有符合条件的规则。",
		"New rule":               "新建规则",
		"A risk rule is a condition on a person's and household's data that raises a warning in the monitoring runs. Rules ship inactive: try one on current data, then activate it for your region.": "预警规则是对个人和家庭数据的条件，监测批次据此生成预警。系统预置的规则默认未启用：请先用当前数据试运行，再为本地区启用。",
	} {
		zh[k] = v
	}
	enumValues["rule_severity"] = strs(monitor.Severities)
	enumValues["rule_side"] = ruleSides
	enumValues["rule_action"] = monitor.Actions
	enumValues["pop_category"] = strs(monitor.Categories)
	enumValues["name_type"] = []string{"bool", "int", "number", "text", "list"}
	for k, v := range map[string][2]string{
		"rule_severity.high":   {"高", "high"},
		"rule_severity.medium": {"中", "medium"},
		"rule_severity.low":    {"低", "low"},
		"rule_side.need":       {"救助需求", "need"},
		"rule_side.exit":       {"可能退出", "possible exit"},
		"rule_action.visit":    {"入户核实", "home visit"},
		"rule_action.apply":    {"引导申请救助", "help to apply"},
		"rule_action.review":   {"复核在享待遇", "review the benefit"},
		"rule_action.refer":    {"转介相关部门", "refer to a department"},

		"pop_category.dibao":         {"低保对象", "Dibao"},
		"pop_category.tekun":         {"特困人员", "Tekun"},
		"pop_category.marginal":      {"低保边缘家庭", "marginal"},
		"pop_category.rigid_expense": {"刚性支出困难家庭", "rigid expenditure"},
		"pop_category.relapse_risk":  {"防止返贫监测对象", "at risk of relapse"},
		"pop_category.other":         {"其他困难人员", "others in difficulty"},
		"pop_category.exited":        {"近期退出救助", "recently exited"},
		"pop_category.rejected":      {"近期申请未获批准", "recently refused"},

		"name_type.bool":   {"是/否", "true/false"},
		"name_type.int":    {"整数", "whole number"},
		"name_type.number": {"数值", "number"},
		"name_type.text":   {"文本", "text"},
		"name_type.list":   {"文本列表", "list of text"},

		"source_use.disaster": {"受灾及意外事故", "disasters and accidents"},
	} {
		enumLabels[k] = v
	}
}

// ruleNameDocs are the meanings of the names a rule may use (monitor.Names),
// in Chinese and English; a name missing here shows its doc comment.
var ruleNameDocs = map[string][2]string{
	"person.head":                  {"户主（全户性规则只对户主判断，一户只预警一次）", "the head of the household (household-wide rules test it, so a household is warned about once)"},
	"person.age":                   {"年龄（周岁）", "age in years"},
	"person.deceased":              {"已死亡（户籍或部门数据）", "died (registry or departments' data)"},
	"person.disability_grade":      {"残疾等级：1（最重）至4，无残疾为0", "disability grade: 1 (most severe) to 4, 0 for none"},
	"person.new_severe_disability": {"新增一、二级残疾人证（登记中尚无）", "a new grade 1 or 2 certificate the registry does not record yet"},
	"person.serious_illness":       {"患重特大疾病", "has a serious illness"},
	"person.in_school":             {"在学", "in school"},
	"person.left_school":           {"学籍数据显示已辍学", "the school data show the person left school"},
	"person.earner":                {"近三个月有工资或经营收入", "wage or business income in the recent months"},
	"person.unemployment_started":  {"近三个月开始领取失业保险金", "unemployment insurance paid recently and not before"},
	"person.contributions_stopped": {"此前缴纳社保，近三个月中断", "contributions before, none recently"},
	"person.medical_oop_3m":        {"近三个月个人自付医疗费用（元，合计）", "medical costs the person paid in the recent three months (yuan, total)"},
	"household.region":             {"家庭所在行政区划代码", "the household's region code"},
	"household.size":               {"在世家庭成员人数", "living members"},
	"household.categories":         {"所属监测类别（如 \"dibao\"、\"exited\"）", "monitored categories (such as \"dibao\", \"exited\")"},
	"household.programs":           {"正在享受的救助项目（如 \"dibao\"）", "programs received now (such as \"dibao\")"},
	"household.standard":           {"适用的低保标准（元/人·月）", "the Dibao standard that applies (yuan per person a month)"},
	"household.income_per_capita":  {"家庭月人均收入（元，有部门数据的以核对值为准）", "monthly income per person (yuan, verified where a department reports it)"},
	"household.medical_oop_3m":     {"家庭成员近三个月自付医疗费用合计（元）", "the members' recent medical costs (yuan, total)"},
	"household.vehicles":           {"现有机动车数", "vehicles held now"},
	"household.new_vehicle":        {"近三个月新增机动车", "more vehicles now than three months ago"},
	"household.businesses":         {"现有市场主体数", "businesses held now"},
	"household.new_business":       {"近三个月新登记市场主体", "more businesses now than three months ago"},
	"household.homes":              {"现有房产套数", "homes held now"},
	"household.earner_died":        {"有收入的家庭成员近期死亡", "a member who had earned died recently"},
	"household.recipient_died":     {"受助家庭成员死亡而登记中尚未记录", "a member of a household on a benefit died and the registry does not know yet"},
	"household.disaster":           {"家庭成员近期遭受自然灾害或意外事故（应急管理部门数据）", "a member was hit by a natural disaster or an accident recently (emergency management's data)"},
	"params.medical_multiple":      {"本地参数 monitor.medical.multiple（医疗自付预警倍数）", "monitor.medical.multiple in the household's region"},
	"params.marginal_ratio":        {"本地参数 marginal.ratio（低保边缘倍数，全国1.5）", "marginal.ratio (1.5 nationally)"},
}
