package policy

import "slices"

// Definition describes a parameter: its key, the kind of its value and what
// it means. The values themselves are data (see Set and the files under
// params/); this table only says what may be set.
type Definition struct {
	Key     string
	Kind    Kind
	Options []string // the values of an enum, or the allowed codes of a list
	// Unit says what an amount is per: "person/month", "person/year",
	// "household", "once".
	Unit string
	// Required is true when a calculator cannot run without the value; an
	// optional parameter that is not set means its local rule does not apply,
	// and the explanation says so.
	Required bool
	ZH, EN   string
}

// incomeKinds are the finer income codes an input may carry beyond the five
// DB57 types, so that local exclusion lists can name them.
var incomeKinds = []string{
	"wage", "business", "property", "transfer", "other",
	"maintenance",           // 赡养费、抚养费
	"basic_pension_central", // 城乡居民基本养老保险基础养老金
	"pension",               // 养老金
	"social_insurance",      // 基本医疗保险等社会保险待遇
	"preferential_pension",  // 优待抚恤金
	"old_age_allowance",     // 高龄津贴
	"family_planning_reward",
	"scholarship",
	"heroic_reward",     // 见义勇为奖励
	"social_assistance", // 政府发放的社会救助款物
	"unemployment_insurance",
}

var priceGroups = []string{"dibao", "tekun", "unemployment_insurance", "preferential",
	"orphan", "de_facto_unsupported", "hiv_child", "unemployment_subsidy", "marginal"}

var definitions = append([]Definition{
	// Dibao (最低生活保障)
	{Key: "dibao.standard.urban", Kind: KindAmount, Unit: "person/month", Required: true, ZH: "城市低保标准", EN: "urban Dibao standard"},
	{Key: "dibao.standard.rural", Kind: KindAmount, Unit: "person/month", Required: true, ZH: "农村低保标准", EN: "rural Dibao standard"},
	{Key: "dibao.method", Kind: KindEnum, Options: []string{"gap", "tiered"}, Required: true, ZH: "低保金计算方式（补差或分档）", EN: "benefit method (gap or tiered)"},
	{Key: "dibao.tiers", Kind: KindTiers, ZH: "分档发放标准（人均收入低于标准的倍数:按标准的倍数发放）", EN: "tiered schedule (per-capita income below × standard : paid × standard)"},
	{Key: "dibao.rounding", Kind: KindEnum, Options: []string{"fen", "yuan"}, Required: true, ZH: "金额取整", EN: "rounding of amounts"},
	{Key: "dibao.members.clergy_years", Kind: KindCount, Required: true, ZH: "宗教教职人员离家不计入共同生活成员的年限", EN: "years away after which clergy are not counted"},
	{Key: "dibao.members.exclude_conscripts", Kind: KindBool, ZH: "义务兵不计入共同生活成员", EN: "conscripts are not counted"},
	{Key: "dibao.members.cohabit_min_years", Kind: KindCount, ZH: "其他法定赡养抚养扶养人须共同生活的最少年数", EN: "years of co-residence needed for other supported relatives"},
	{Key: "dibao.members.unmarried_child_max_age", Kind: KindCount, ZH: "未婚子女计入共同生活成员的年龄上限", EN: "unmarried children are counted below this age"},
	{Key: "dibao.income.excluded", Kind: KindList, Options: incomeKinds, ZH: "不计入家庭收入的项目", EN: "income kinds not counted"},
	{Key: "dibao.income.employment_deduction", Kind: KindEnum, Options: []string{"none", "declared", "standard_share"}, ZH: "就业成本扣减方式", EN: "employment-cost deduction"},
	{Key: "dibao.income.employment_deduction_share", Kind: KindRatio, ZH: "每名就业成员扣减低保标准的比例", EN: "deduction per earning member, as a share of the standard"},
	{Key: "dibao.income.employment_deduction_basis", Kind: KindEnum, Options: []string{"applicable", "urban"}, ZH: "扣减所依据的标准（适用标准或城市标准）", EN: "standard the deduction is a share of"},
	{Key: "dibao.income.deduct_medical", Kind: KindBool, ZH: "按实扣减医疗支出", EN: "deduct medical costs at actual amounts"},
	{Key: "dibao.income.deduct_education", Kind: KindBool, ZH: "按实扣减就学支出", EN: "deduct schooling costs at actual amounts"},
	{Key: "dibao.income.new_job_disregard_months", Kind: KindCount, ZH: "新就业收入豁免月数", EN: "months new employment income is disregarded"},
	{Key: "dibao.income.new_job_disregard_cap", Kind: KindRatio, ZH: "新就业收入每月豁免上限（低保标准的倍数）", EN: "monthly cap of the disregard, × standard"},
	{Key: "dibao.asset.financial_months", Kind: KindCount, ZH: "人均金融资产上限（月低保标准的月数）", EN: "financial assets per capita, at most this many months of the standard"},
	{Key: "dibao.asset.max_vehicles", Kind: KindCount, ZH: "机动车辆数上限", EN: "most vehicles a household may own"},
	{Key: "dibao.asset.vehicle_value_max", Kind: KindAmount, Unit: "once", ZH: "机动车辆价值上限", EN: "highest value of a vehicle"},
	{Key: "dibao.asset.max_homes", Kind: KindCount, ZH: "住房套数上限", EN: "most homes a household may own"},
	{Key: "dibao.asset.business_allowed", Kind: KindBool, ZH: "允许登记经营市场主体", EN: "a registered business is allowed"},
	{Key: "dibao.supplement.minor", Kind: KindAmount, Unit: "person/month", ZH: "分类施保：未成年人", EN: "classified supplement: minors"},
	{Key: "dibao.supplement.elderly", Kind: KindAmount, Unit: "person/month", ZH: "分类施保：老年人", EN: "classified supplement: the elderly"},
	{Key: "dibao.supplement.severe_disability", Kind: KindAmount, Unit: "person/month", ZH: "分类施保：重度残疾人", EN: "classified supplement: severe disability"},
	{Key: "dibao.supplement.serious_illness", Kind: KindAmount, Unit: "person/month", ZH: "分类施保：重病患者", EN: "classified supplement: serious illness"},
	{Key: "dibao.supplement.elderly_age", Kind: KindCount, ZH: "老年人年龄", EN: "age from which a person is elderly"},
	{Key: "dibao.supplement.cumulative", Kind: KindBool, ZH: "同一人可叠加多项分类施保", EN: "supplements add up for one person"},
	{Key: "dibao.separate.max_ratio", Kind: KindRatio, Required: true, ZH: "单人户申请：家庭人均收入上限（低保标准的倍数）", EN: "separate application: household income below × standard"},
	{Key: "dibao.separate.max_inclusive", Kind: KindBool, ZH: "单人户申请：家庭人均收入可等于上限（不高于）", EN: "separate application: income may equal the limit (not above it)"},
	{Key: "dibao.separate.min_share.disability", Kind: KindRatio, ZH: "单人户保障下限（重度残疾，标准的比例）", EN: "separate inclusion floor for severe disability, share of standard"},
	{Key: "dibao.separate.min_share.illness", Kind: KindRatio, ZH: "单人户保障下限（重病，标准的比例）", EN: "separate inclusion floor for serious illness, share of standard"},
	{Key: "dibao.exit.months", Kind: KindCount, ZH: "渐退期月数", EN: "months of gradual exit"},
	{Key: "dibao.exit.max_ratio", Kind: KindRatio, ZH: "渐退期适用的人均收入上限（标准的倍数）", EN: "gradual exit applies while income is below × standard"},
	{Key: "dibao.exit.schedule", Kind: KindRatios, ZH: "渐退期各月发放比例", EN: "share of the previous benefit paid in each exit month"},

	// Marginal (低保边缘家庭) and RigidExpense (刚性支出困难家庭)
	{Key: "marginal.ratio", Kind: KindRatio, Required: true, ZH: "低保边缘家庭收入上限（低保标准的倍数）", EN: "marginal household: income below × standard"},
	{Key: "marginal.cap_min_wage", Kind: KindBool, ZH: "边缘标准不得高于当地月最低工资", EN: "the marginal line may not exceed the monthly minimum wage"},
	{Key: "rigid.expense_share", Kind: KindRatio, Required: true, ZH: "刚性支出占家庭总收入比例下限", EN: "rigid expenditure must exceed this share of income"},
	{Key: "rigid.validity_months", Kind: KindCount, Required: true, ZH: "刚性支出困难家庭认定有效期（月）", EN: "months a recognition is valid"},
	{Key: "region.disposable_income", Kind: KindAmount, Unit: "person/year", ZH: "上年度当地居民人均可支配收入", EN: "last year's local per-capita disposable income"},
	{Key: "region.min_wage", Kind: KindAmount, Unit: "person/month", ZH: "当地月最低工资标准", EN: "local monthly minimum wage"},
	{Key: "region.min_wage_last_year", Kind: KindAmount, Unit: "person/month", ZH: "上年度当地月最低工资标准", EN: "last year's local monthly minimum wage"},

	// Tekun (特困人员救助供养)
	{Key: "tekun.basic_ratio", Kind: KindRatio, Required: true, ZH: "基本生活标准（低保标准的倍数）", EN: "basic living standard, × Dibao standard"},
	{Key: "tekun.age.minor", Kind: KindCount, Required: true, ZH: "未成年人年龄上限", EN: "minors are supported until this age"},
	{Key: "tekun.age.elderly", Kind: KindCount, Required: true, ZH: "老年人年龄", EN: "age from which a person has no capacity to work"},
	{Key: "tekun.supporter_age", Kind: KindCount, Required: true, ZH: "义务人年满此年龄且收入低于上年人均可支配收入的视为无履行能力", EN: "a supporter this old with low income cannot support"},
	{Key: "tekun.income.excluded", Kind: KindList, Options: incomeKinds, ZH: "特困认定不计入收入的项目", EN: "income kinds not counted for Tekun"},
	{Key: "tekun.care.method", Kind: KindEnum, Options: []string{"amount", "min_wage_share"}, Required: true, ZH: "照料护理标准方式", EN: "how the care standard is set"},
	{Key: "tekun.care.self", Kind: KindAmount, Unit: "person/month", ZH: "照料护理标准：全自理", EN: "care standard: full self-care"},
	{Key: "tekun.care.partial", Kind: KindAmount, Unit: "person/month", ZH: "照料护理标准：半护理", EN: "care standard: partial care"},
	{Key: "tekun.care.full", Kind: KindAmount, Unit: "person/month", ZH: "照料护理标准：全护理", EN: "care standard: full care"},
	{Key: "tekun.care.share.self", Kind: KindRatio, ZH: "全自理：上年度最低工资的比例", EN: "full self-care: share of last year's minimum wage"},
	{Key: "tekun.care.share.partial", Kind: KindRatio, ZH: "半护理：上年度最低工资的比例", EN: "partial care: share of last year's minimum wage"},
	{Key: "tekun.care.share.full", Kind: KindRatio, ZH: "全护理：上年度最低工资的比例", EN: "full care: share of last year's minimum wage"},
	{Key: "tekun.care.uplift", Kind: KindRatio, ZH: "集中供养及精神病、传染病分散供养的护理标准上浮比例", EN: "care uplift for centralised support, mental illness or infectious disease"},

	// Linshi (临时救助)
	{Key: "linshi.cap_multiple", Kind: KindRatio, Required: true, ZH: "救助上限（月低保标准的倍数）", EN: "cap, × monthly Dibao standard"},
	{Key: "linshi.cap_basis", Kind: KindEnum, Options: []string{"person", "household"}, Required: true, ZH: "上限按人或按户", EN: "cap per person or per household"},
	{Key: "linshi.cap_multiple_special", Kind: KindRatio, ZH: "特殊困难上限（倍数）", EN: "cap in special difficulty, × standard"},
	{Key: "linshi.urgent_min_multiple", Kind: KindRatio, ZH: "急难型救助下限（倍数）", EN: "urgent-type floor, × standard"},
	{Key: "linshi.assist_first_max", Kind: KindAmount, Unit: "once", ZH: "先行救助金额上限", EN: "most that may be paid first, before paperwork"},
	{Key: "linshi.no_income.months", Kind: KindCount, ZH: "连续无收入月数", EN: "consecutive months without income"},
	{Key: "linshi.no_income.cap_months", Kind: KindRatio, ZH: "无收入一次性救助上限（城市低保标准的月数）", EN: "no-income payment cap, months of the urban standard"},

	// PriceSubsidy (价格临时补贴)
	{Key: "price.trigger.cpi", Kind: KindRatio, Required: true, ZH: "启动条件：CPI同比涨幅", EN: "trigger: CPI year on year"},
	{Key: "price.trigger.food", Kind: KindRatio, Required: true, ZH: "启动条件：CPI食品同比涨幅", EN: "trigger: food CPI year on year"},
	{Key: "price.groups", Kind: KindList, Options: priceGroups, Required: true, ZH: "保障范围", EN: "covered groups"},
	{Key: "price.formula", Kind: KindEnum, Options: []string{"standard_times_rise"}, Required: true, ZH: "补贴计算方式", EN: "amount formula"},
	{Key: "price.rounding", Kind: KindEnum, Options: []string{"fen", "yuan"}, Required: true, ZH: "补贴取整", EN: "rounding of the subsidy"},
	{Key: "price.min_amount", Kind: KindAmount, Unit: "person/month", ZH: "补贴最低金额", EN: "minimum subsidy"},

	// DisabilitySubsidy (残疾人两项补贴)
	{Key: "disability.living.severe", Kind: KindAmount, Unit: "person/month", Required: true, ZH: "困难残疾人生活补贴（一、二级）", EN: "living subsidy, grades 1-2"},
	{Key: "disability.living.other", Kind: KindAmount, Unit: "person/month", Required: true, ZH: "困难残疾人生活补贴（三、四级）", EN: "living subsidy, grades 3-4"},
	{Key: "disability.living.extend_marginal", Kind: KindBool, ZH: "生活补贴扩大到低保边缘家庭", EN: "living subsidy extended to marginal households"},
	{Key: "disability.care.amount", Kind: KindAmount, Unit: "person/month", Required: true, ZH: "重度残疾人护理补贴", EN: "care subsidy"},
	{Key: "disability.care.extend_mental", Kind: KindBool, ZH: "护理补贴扩大到三、四级智力、精神残疾", EN: "care subsidy extended to grade 3-4 intellectual or mental disability"},

	// OrphanAllowance (孤儿、事实无人抚养儿童基本生活费)
	{Key: "orphan.standard", Kind: KindAmount, Unit: "person/month", Required: true, ZH: "孤儿基本生活费标准", EN: "orphan allowance"},
	{Key: "orphan.de_facto_ratio", Kind: KindRatio, Required: true, ZH: "事实无人抚养儿童参照孤儿标准的比例", EN: "de facto unsupported child, share of the orphan standard"},
	{Key: "orphan.age", Kind: KindCount, Required: true, ZH: "保障年龄上限", EN: "children are supported until this age"},
	{Key: "orphan.student_continue", Kind: KindBool, ZH: "年满18周岁仍在校的继续保障", EN: "support continues after 18 while in school"},
	{Key: "orphan.de_facto.min_months", Kind: KindCount, Required: true, ZH: "失联、服刑、强制隔离戒毒的最短月数", EN: "months out of contact, in prison or in rehabilitation that count"},

	// Workflow deadlines (used by casework)
	{Key: "workflow.dibao.notice_days", Kind: KindCount, Required: true, ZH: "低保公示天数", EN: "Dibao public notice, days"},
	{Key: "workflow.dibao.renotice_days", Kind: KindCount, ZH: "异议后重新公示天数", EN: "notice again after an objection, days"},
	{Key: "workflow.dibao.township_wd", Kind: KindCount, ZH: "乡镇审核时限（工作日）", EN: "township review, working days"},
	{Key: "workflow.dibao.confirm_wd", Kind: KindCount, Required: true, ZH: "县级确认时限（工作日）", EN: "county confirmation, working days"},
	{Key: "workflow.dibao.reject_notice_wd", Kind: KindCount, Required: true, ZH: "不予确认书面告知时限（工作日）", EN: "written rejection, working days"},
	{Key: "workflow.dibao.total_wd", Kind: KindCount, Required: true, ZH: "办理总时限（工作日）", EN: "overall limit, working days"},
	{Key: "workflow.dibao.total_extended_wd", Kind: KindCount, Required: true, ZH: "特殊情况总时限（工作日）", EN: "overall limit in special cases, working days"},
	{Key: "workflow.tekun.investigation_wd", Kind: KindCount, Required: true, ZH: "特困调查时限（工作日）", EN: "Tekun investigation, working days"},
	{Key: "workflow.tekun.notice_days", Kind: KindCount, Required: true, ZH: "特困公示天数", EN: "Tekun public notice, days"},
	{Key: "workflow.tekun.confirm_wd", Kind: KindCount, Required: true, ZH: "特困确认时限（工作日）", EN: "Tekun confirmation, working days"},
	{Key: "workflow.tekun.reject_notice_wd", Kind: KindCount, Required: true, ZH: "特困不予认定告知时限（工作日）", EN: "Tekun written rejection, working days"},
	{Key: "workflow.selfcare.reassess_wd", Kind: KindCount, ZH: "自理能力变化重新评估时限（工作日）", EN: "self-care re-assessment, working days"},
	{Key: "workflow.linshi.investigation_wd", Kind: KindCount, ZH: "临时救助调查时限（工作日）", EN: "temporary assistance investigation, working days"},
	{Key: "workflow.linshi.review_wd", Kind: KindCount, ZH: "临时救助审核时限（工作日）", EN: "temporary assistance review, working days"},
	{Key: "workflow.linshi.notice_days", Kind: KindCount, ZH: "临时救助公示天数", EN: "temporary assistance notice, days"},
	{Key: "workflow.linshi.approve_wd", Kind: KindCount, ZH: "临时救助审批时限（工作日）", EN: "temporary assistance approval, working days"},
	{Key: "workflow.review.stable_months", Kind: KindCount, Required: true, ZH: "收入稳定家庭复核周期（月）", EN: "re-check, stable households, months"},
	{Key: "workflow.review.unstable_months", Kind: KindCount, Required: true, ZH: "收入不稳定家庭复核周期（月）", EN: "re-check, unstable households, months"},
	{Key: "workflow.refusals_to_stop", Kind: KindCount, Required: true, ZH: "连续拒绝就业次数", EN: "consecutive refusals of work that reduce a benefit"},
	{Key: "workflow.county_delegates_confirmation", Kind: KindBool, ZH: "县级委托乡镇确认", EN: "the county delegates confirmation to townships"},
	{Key: "workflow.price.payment_wd", Kind: KindCount, ZH: "价格临时补贴发放时限（指数发布后工作日）", EN: "price subsidy paid within, working days of the index"},

	// Verification (家庭经济状况核对). The policy reference gives none of
	// these numbers (§6: "deadlines for issuing the report: not found"), so
	// each is set locally; verification refuses to run without them.
	{Key: "verify.reference_months", Kind: KindCount, ZH: "核对收入的计算期（申请前的月数）", EN: "income reference period, months before the request"},
	{Key: "verify.authorisation.valid_months", Kind: KindCount, ZH: "核对授权书有效期（月）", EN: "months an authorisation for verification stays valid"},
	// Monitoring (低收入人口动态监测). The reference gives neither the
	// medical multiple nor the windows (§7: "not found"): set locally.
	{Key: "monitor.medical.multiple", Kind: KindRatio, ZH: "医疗自付预警：三个月自付超过低保标准的倍数", EN: "medical warning: three months' costs above this multiple of the standard"},
	{Key: "monitor.exited.months", Kind: KindCount, ZH: "退出救助后继续监测的月数", EN: "months people who exited assistance stay monitored"},
	{Key: "monitor.rejected.months", Kind: KindCount, ZH: "申请未获批准后继续监测的月数", EN: "months rejected applicants stay monitored"},
	// §7: "national handling deadlines for warnings: not found".
	{Key: "monitor.repeat.months", Kind: KindCount, ZH: "同一人同一规则不重复预警的月数", EN: "months within which a person is not warned twice by one rule"},
	{Key: "monitor.warning.handle_wd", Kind: KindCount, ZH: "预警核实处置时限（工作日）", EN: "working days to visit and settle a warning"},
	// Referral (转介). The reference sets no deadline for a partner's
	// answer or result (§7: "not found"): each county sets its own, and
	// referrals cannot be sent where it has not.
	{Key: "referral.accept_wd", Kind: KindCount, ZH: "转介接收或拒绝时限（工作日）", EN: "working days for a partner to accept or decline a referral"},
	{Key: "referral.result_wd", Kind: KindCount, ZH: "转介接收后反馈结果时限（工作日）", EN: "working days for a partner to report a referral's result after accepting it"},
	{Key: "verify.discrepancy.tolerance", Kind: KindAmount, Unit: "person/month", ZH: "收入差异容差（低于此数不列为差异）", EN: "income differences below this are not listed"},
	// Payments (待遇发放). DB57 keeps the decided amount until the next
	// review (§1.9); a county that recomputes every month's amount with
	// the rules engine sets this. No national value.
	{Key: "payment.recompute_monthly", Kind: KindBool, ZH: "每月按规则重新计算发放金额（否则按核定金额发放至下次复核）", EN: "recompute each month's amount with the rules engine (otherwise the decided amount until the next review)"},
}, workflowDefinitions()...)

// Materials are the codes of the documents an application may need
// (workflow.materials.*). The application form is DB57 Art. 4's written
// application; the authorisation is the verification authorisation every
// member signs (policy reference §6: authorise first, then check).
var Materials = []string{
	"application_form",           // 申请书
	"verification_authorisation", // 家庭经济状况核对授权书
	"entrustment",                // 委托书 (DB57 Art. 6)
	"identity_document",          // 身份证件
	"hukou_booklet",              // 户口簿
	"residence_permit",           // 居住证
	"income_statement",           // 收入证明
	"medical_bills",              // 医疗费用票据
	"education_bills",            // 教育费用票据
	"incident_proof",             // 事故、灾害等证明
	"disability_certificate",     // 残疾人证
	"self_care_assessment",       // 生活自理能力评估表
	"school_enrolment",           // 在学证明
	"parents_status_proof",       // 父母死亡、失踪、服刑等证明
	"guardian_statement",         // 监护人情况说明
}

// workflowDefinitions are the deadlines and settings of the programs whose
// workflow the reference does not time (marginal, rigid expense, the
// disability subsidies, orphans) and the materials of every program: all
// optional, set where a local rule exists. A step without a deadline shows
// the overall limit, or none.
func workflowDefinitions() []Definition {
	type prog struct{ key, zh, en string }
	var out []Definition
	for _, p := range []prog{
		{"marginal", "低保边缘家庭", "marginal household"},
		{"rigid_expense", "刚性支出困难家庭", "rigid-expense household"},
		{"disability_subsidy", "残疾人两项补贴", "disability subsidies"},
		{"orphan_allowance", "孤儿基本生活费", "orphan allowance"},
	} {
		out = append(out,
			Definition{Key: "workflow." + p.key + ".investigation_wd", Kind: KindCount, ZH: p.zh + "调查时限（工作日）", EN: p.en + ": investigation, working days"},
			Definition{Key: "workflow." + p.key + ".notice_days", Kind: KindCount, ZH: p.zh + "公示天数（未设置则不公示）", EN: p.en + ": public notice, days (none when not set)"},
			Definition{Key: "workflow." + p.key + ".confirm_wd", Kind: KindCount, ZH: p.zh + "确认时限（工作日）", EN: p.en + ": confirmation, working days"},
			Definition{Key: "workflow." + p.key + ".reject_notice_wd", Kind: KindCount, ZH: p.zh + "不予认定告知时限（工作日）", EN: p.en + ": written rejection, working days"},
			Definition{Key: "workflow." + p.key + ".total_wd", Kind: KindCount, ZH: p.zh + "办理总时限（工作日）", EN: p.en + ": overall limit, working days"},
			Definition{Key: "workflow." + p.key + ".total_extended_wd", Kind: KindCount, ZH: p.zh + "特殊情况总时限（工作日）", EN: p.en + ": overall limit in special cases, working days"},
		)
	}
	out = append(out,
		Definition{Key: "workflow.tekun.total_wd", Kind: KindCount, ZH: "特困办理总时限（工作日）", EN: "Tekun overall limit, working days"},
		Definition{Key: "workflow.tekun.total_extended_wd", Kind: KindCount, ZH: "特困特殊情况总时限（工作日）", EN: "Tekun overall limit in special cases, working days"},
		Definition{Key: "workflow.linshi.reject_notice_wd", Kind: KindCount, ZH: "临时救助不予救助告知时限（工作日）", EN: "temporary assistance written rejection, working days"},
		Definition{Key: "workflow.linshi.total_wd", Kind: KindCount, ZH: "临时救助办理总时限（工作日）", EN: "temporary assistance overall limit, working days"},
		Definition{Key: "workflow.linshi.total_extended_wd", Kind: KindCount, ZH: "临时救助特殊情况总时限（工作日）", EN: "temporary assistance overall limit in special cases, working days"},
		Definition{Key: "workflow.accept_wd", Kind: KindCount, ZH: "受理时限（工作日）", EN: "acceptance, working days after filing"},
		Definition{Key: "workflow.disability_subsidy.pay_from", Kind: KindEnum, Options: []string{"application_month", "next_month"}, ZH: "两项补贴发放起始月", EN: "disability subsidies paid from"},
		Definition{Key: "notice.complaint_phone", Kind: KindText, ZH: "公示监督举报电话", EN: "complaint phone number on public notices"},
	)
	for _, p := range Programs {
		if p == PriceSubsidy {
			continue // paid from rosters, without applications
		}
		out = append(out, Definition{Key: "workflow.materials." + string(p), Kind: KindList, Options: Materials,
			ZH: ProgramName(p, "zh") + "申请材料", EN: ProgramName(p, "en") + ": materials required"})
	}
	return out
}

var defByKey = func() map[string]*Definition {
	m := make(map[string]*Definition, len(definitions))
	for i := range definitions {
		m[definitions[i].Key] = &definitions[i]
	}
	return m
}()

// Lookup returns the definition of key.
func Lookup(key string) (*Definition, bool) {
	d, ok := defByKey[key]
	return d, ok
}

// Definitions returns every definition in key order.
func Definitions() []Definition {
	out := slices.Clone(definitions)
	slices.SortFunc(out, func(a, b Definition) int {
		if a.Key < b.Key {
			return -1
		}
		if a.Key > b.Key {
			return 1
		}
		return 0
	})
	return out
}
