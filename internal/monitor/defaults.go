package monitor

import "safetynet/internal/policy"

// Sources cited by the default rules (policy reference §§1, 3, 4, 7).
const (
	srcMethod   = "民政部国务院政策例行吹风会（2023-10-25）：跨部门大数据比对生成风险预警，入户核实（政策参考 §7）"
	srcHuaibei  = "淮北市低收入人口动态监测：医保大额支出、重度残疾、失业等预警信号（政策参考 §7 [L]）"
	srcLinshi   = "《社会救助暂行办法》第四十七条：因意外事件、突发重大疾病等陷入临时困难的家庭（政策参考 §4）"
	srcRecheck  = "《社会救助暂行办法》第十三条：家庭人口、收入、财产状况变化的，增发、减发或者停发（政策参考 §1.9）"
	srcMarginal = "《关于进一步做好困难群众基本生活保障工作的通知》(2020)：低保边缘家庭人均收入低于1.5倍低保标准（marginal.ratio）"
)

// DefaultRules are the rules SafetyNet ships (issue 6; policy reference
// §7): need-side signals from the departments' data, and exit-side ones for
// households that receive a benefit. Where the reference gives no number
// (the medical multiple) the rule uses a parameter, and raises nothing
// until the region sets it. They ship inactive: a county activates each
// after its dry run.
func DefaultRules() []Rule {
	return []Rule{
		{Code: "medical_spending", ZH: "三个月内医疗自付费用超过低保标准的倍数", EN: "medical costs paid in three months above a multiple of the standard",
			Expression: "person.medical_oop_3m > params.medical_multiple * household.standard",
			Severity:   High, Side: NeedSide, Program: policy.RigidExpense, Action: "visit", Source: srcHuaibei},
		{Code: "new_severe_disability", ZH: "新增重度残疾（一、二级）", EN: "a new severe disability (grade 1 or 2)",
			Expression: "person.new_severe_disability",
			Severity:   Medium, Side: NeedSide, Program: policy.DisabilitySubsidy, Action: "visit", Source: srcHuaibei},
		{Code: "earner_died", ZH: "家庭主要收入成员死亡", EN: "a member who earned died",
			Expression: "person.head && household.earner_died",
			Severity:   High, Side: NeedSide, Program: policy.Linshi, Action: "visit", Source: srcLinshi},
		{Code: "lost_work", ZH: "开始领取失业保险金或社保缴费中断", EN: "unemployment insurance started or contributions stopped",
			Expression: "person.unemployment_started || person.contributions_stopped",
			Severity:   Medium, Side: NeedSide, Program: policy.Dibao, Action: "visit", Source: srcHuaibei},
		{Code: "left_school", ZH: "未成年人辍学", EN: "a child left school",
			Expression: "person.left_school && person.age < 18",
			Severity:   High, Side: NeedSide, Action: "refer", Source: srcMethod},
		{Code: "disaster", ZH: "遭受自然灾害或意外事件", EN: "hit by a natural disaster or an accident",
			Expression: "person.head && household.disaster",
			Severity:   High, Side: NeedSide, Program: policy.Linshi, Action: "visit", Source: srcLinshi},
		{Code: "income_above_marginal", ZH: "受助家庭人均收入超过低保标准的1.5倍", EN: "a recipient household's income above 1.5 times the standard",
			Expression: `person.head && "dibao" in household.programs && household.income_per_capita > params.marginal_ratio * household.standard`,
			Severity:   Medium, Side: ExitSide, Program: policy.Dibao, Action: "review", Source: srcRecheck + "；" + srcMarginal},
		{Code: "vehicle_bought", ZH: "受助家庭新购机动车", EN: "a recipient household bought a vehicle",
			Expression: "person.head && household.new_vehicle && len(household.programs) > 0",
			Severity:   Medium, Side: ExitSide, Action: "review", Source: srcRecheck},
		{Code: "business_registered", ZH: "受助家庭新登记市场主体", EN: "a recipient household registered a business",
			Expression: "person.head && household.new_business && len(household.programs) > 0",
			Severity:   Medium, Side: ExitSide, Action: "review", Source: srcRecheck},
		{Code: "recipient_died", ZH: "受助家庭成员死亡", EN: "a member of a recipient household died",
			Expression: "person.deceased && len(household.programs) > 0",
			Severity:   High, Side: ExitSide, Action: "review", Source: srcRecheck},
	}
}
