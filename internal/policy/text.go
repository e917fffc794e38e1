package policy

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Sentences of the explanations, in Chinese and English. A template names
// the step's facts in braces; "rule:outcome" is the rule's sentence for that
// outcome, where the result changes the wording. A step without a template
// is written as its rule name and facts, so a new rule is never silently
// dropped from an explanation (TestTextsComplete checks every rule has both
// languages; TestExplanationSentences that every case's steps have their
// sentences, facts and words).
var sentences = map[string][2]string{
	"dibao":                        {"最低生活保障", "minimum living allowance (Dibao)"},
	"members":                      {"共同生活的家庭成员：计入 {counted} 人", "co-residing family members: {counted} counted"},
	"member.dead":                  {"{member}：已死亡，不计入", "{member}: deceased, not counted"},
	"member.excluded_custody":      {"{member}：服刑或强制隔离戒毒，不计入", "{member}: in prison or compulsory rehabilitation, not counted"},
	"member.excluded_missing":      {"{member}：宣告失踪，不计入", "{member}: declared missing, not counted"},
	"member.excluded_clergy":       {"{member}：宗教教职人员离家满规定年限，不计入", "{member}: clergy living away for the set years, not counted"},
	"member.excluded_conscript":    {"{member}：义务兵，按本地规定不计入", "{member}: conscript, not counted under the local rule"},
	"member.applicant":             {"{member}：申请人，计入", "{member}: applicant, counted"},
	"member.spouse":                {"{member}：配偶，计入", "{member}: spouse, counted"},
	"member.minor_child":           {"{member}：未成年子女（{age}岁），计入", "{member}: minor child ({age}), counted"},
	"member.student_child":         {"{member}：在校接受本科及以下全日制教育的成年子女，计入", "{member}: adult child in full-time education up to undergraduate level, counted"},
	"member.dependent_child":       {"{member}：无法独立生活的成年子女，计入", "{member}: adult child unable to live independently, counted"},
	"member.unmarried_child":       {"{member}：本地规定年龄以下的未婚子女，计入", "{member}: unmarried child under the local age limit, counted"},
	"member.postgraduate_child":    {"{member}：就读研究生的成年子女，不属于本科及以下，不计入", "{member}: adult child in postgraduate study (beyond undergraduate), not counted"},
	"member.independent_child":     {"{member}：有独立生活能力的成年子女，不计入", "{member}: adult child able to live independently, not counted"},
	"member.not_coresident":        {"{member}：不在本户长期共同生活，不计入", "{member}: does not live with the household, not counted"},
	"member.no_support_duty":       {"{member}：无法定赡养、扶养、抚养义务关系，不计入", "{member}: no legal duty of support, not counted"},
	"member.cohabit_unknown":       {"{member}：共同生活年限未登记，须人工核实", "{member}: years of co-residence not recorded, to be checked"},
	"member.cohabit_short":         {"{member}：共同生活未满本地规定年限，不计入", "{member}: has not lived with the household long enough, not counted"},
	"member.supported_coresident":  {"{member}：有法定赡养、扶养、抚养义务关系且长期共同生活，计入", "{member}: legal duty of support and long-term co-residence, counted"},
	"members.none_counted":         {"没有计入的共同生活成员", "no co-residing member is counted"},
	"income.items":                 {"家庭收入项目", "household income items"},
	"income.excluded":              {"{member} {kind} {amount} 元：不计入家庭收入", "{member} {kind} {amount} yuan: not counted"},
	"income.counted":               {"{member} {kind} {amount} 元：计入", "{member} {kind} {amount} yuan: counted"},
	"income.no_exclusion_list":     {"本地未设置不计入收入的项目清单，全部收入计入", "no local exclusion list is set: all income is counted"},
	"income.wage":                  {"{member} 工资性收入 {wage} 元，扣减 {deduction} 元，计入 {counted} 元", "{member} wage {wage} yuan, deducted {deduction}, counted {counted}"},
	"income.new_job_disregard":     {"新就业（{job_start}起）收入豁免 {disregarded} 元", "new job since {job_start}: {disregarded} yuan disregarded"},
	"income.deduct_medical":        {"按实扣减医疗支出 {amount} 元", "medical costs of {amount} yuan deducted"},
	"income.deduct_education":      {"按实扣减就学支出 {amount} 元", "schooling costs of {amount} yuan deducted"},
	"standard":                     {"适用低保标准 {standard} 元/人·月（{hukou}）", "Dibao standard {standard} yuan per person per month ({hukou})"},
	"assets":                       {"家庭财产状况", "household assets"},
	"assets.no_rule":               {"{asset}：{held}，本地未设置标准，须人工核实", "{asset}: {held}, no local limit is set: to be checked"},
	"assets.financial":             {"金融资产 {held} 元，上限 {limit} 元", "financial assets {held} yuan, limit {limit}"},
	"assets.vehicles":              {"机动车 {held} 辆，上限 {limit} 辆", "{held} vehicles, limit {limit}"},
	"assets.vehicle_value":         {"机动车价值 {held} 元，上限 {limit} 元", "vehicle value {held} yuan, limit {limit}"},
	"assets.homes":                 {"住房 {held} 套，上限 {limit} 套", "{held} homes, limit {limit}"},
	"assets.business":              {"登记经营市场主体 {held} 个", "{held} registered businesses"},
	"below_standard:pass":          {"家庭月收入 {income} 元（{members} 人，人均 {per_capita} 元）低于低保标准 {standard} 元（合计 {line} 元），符合收入条件", "monthly income {income} yuan ({members} persons, {per_capita} per capita) is below the standard {standard} (total {line}): the income test is met"},
	"below_standard:fail":          {"家庭月收入 {income} 元（{members} 人，人均 {per_capita} 元）不低于低保标准 {standard} 元（合计 {line} 元），不符合收入条件（须低于标准）", "monthly income {income} yuan ({members} persons, {per_capita} per capita) is not below the standard {standard} (total {line}): the income test is not met (income must be below the standard)"},
	"benefit.gap":                  {"补差：{line} − {income} = {amount} 元", "gap: {line} − {income} = {amount} yuan"},
	"benefit.tiered":               {"分档：人均收入低于标准的 {tier_below}，按标准的 {pay} 发放，计 {amount} 元", "tier: income below {tier_below} of the standard, paid {pay} of it: {amount} yuan"},
	"supplements":                  {"分类施保", "classified supplements"},
	"supplement.member":            {"{member}：加发 {amount} 元", "{member}: supplement {amount} yuan"},
	"benefit.total":                {"每月低保金 {amount} 元", "monthly Dibao {amount} yuan"},
	"exit":                         {"渐退期", "gradual exit"},
	"exit.no_rule":                 {"本地未设置渐退期，停止发放并书面说明理由（《社会救助暂行办法》第十三条）", "no local gradual exit: benefit stops with written reasons (SAIM Art. 13)"},
	"exit.income_too_high":         {"收入 {income} 元达到渐退上限 {limit} 元，不给予渐退期", "income {income} yuan reaches the exit limit {limit}: no gradual exit"},
	"exit.ended":                   {"渐退期 {months} 个月已满", "the {months}-month exit period is over"},
	"exit.paid":                    {"渐退期第 {month}/{months} 个月：按原保障金 {previous} 元的 {share} 发放 {amount} 元", "exit month {month} of {months}: {share} of the previous {previous} yuan = {amount} yuan"},
	"separate":                     {"单人户（单独提出申请）", "separate (single-person) application"},
	"separate.household_not_below": {"家庭月收入 {income} 元不低于低保标准合计 {line} 元（否则应整户申请）", "household income {income} yuan is not below the standard total {line} (otherwise apply as a household)"},
	"separate.household_marginal":  {"家庭月收入 {income} 元低于 {ratio} 标准合计 {limit} 元（低保边缘家庭）", "household income {income} yuan below {ratio} of the standard, {limit} (marginal household)"},
	"separate.person":              {"{member}：重度残疾（{disability_grade}级）或重病", "{member}: severe disability (grade {disability_grade}) or serious illness"},
	"separate.amount":              {"标准 {standard} 元 − 本人收入 {own_income} 元 = {gap} 元，本地下限 {floor} 元，发放 {amount} 元", "standard {standard} − own income {own_income} = {gap}; local floor {floor}; paid {amount} yuan"},

	"marginal":                    {"低保边缘家庭认定", "low-income marginal household"},
	"not_enrolled_dibao_tekun":    {"未享受低保、特困供养", "not on Dibao or Tekun"},
	"marginal.not_below_standard": {"家庭月收入 {income} 元不低于低保标准合计 {line} 元", "income {income} yuan not below the standard total {line}"},
	"marginal.below_ratio":        {"家庭月收入 {income} 元低于 {ratio} 低保标准合计 {limit} 元（人均 {per_capita_limit} 元）", "income {income} yuan below {ratio} of the standard, {limit} ({per_capita_limit} per capita)"},
	"marginal.capped_min_wage":    {"边缘标准不得高于当地月最低工资 {min_wage} 元", "the line is capped at the monthly minimum wage {min_wage}"},
	"rigid":                       {"刚性支出困难家庭认定", "rigid-expenditure hardship household"},
	"rigid.no_expenditure":        {"未提供申请前12个月的刚性支出", "no expenditure for the 12 months before the application"},
	"rigid.not_other_program":     {"不属于低保、特困、低保边缘家庭", "not on Dibao or Tekun and not a marginal household"},
	"rigid.below_disposable":      {"人均年收入 {annual_per_capita} 元低于上年度当地人均可支配收入 {disposable_income} 元", "annual income per capita {annual_per_capita} yuan below last year's disposable income {disposable_income}"},
	"rigid.expense_share":         {"12个月刚性支出 {expenditure} 元占家庭总收入 {income_12m} 元的比例超过 {threshold}", "rigid expenditure {expenditure} over 12 months exceeds {threshold} of income {income_12m}"},
	"rigid.valid_until":           {"认定有效至 {valid_until}，期满须重新申请", "valid until {valid_until}; apply again after"},

	"tekun":                                {"特困人员救助供养", "special-hardship support (Tekun)"},
	"tekun.orphan_route":                   {"{member}（{age}岁）同时符合孤儿条件，纳入孤儿保障", "{member} ({age}) is an orphan: goes to the orphan allowance"},
	"tekun.no_capacity":                    {"无劳动能力", "no capacity to work"},
	"tekun.capacity.elderly":               {"{member}：{age}岁，达到老年人年龄", "{member}: aged {age}, elderly"},
	"tekun.capacity.minor":                 {"{member}：{age}岁，未满规定年龄", "{member}: aged {age}, a minor"},
	"tekun.capacity.student":               {"{member}：年满规定年龄仍在接受义务教育、普通高中或中等职业教育", "{member}: past the age but still in compulsory, senior or vocational school"},
	"tekun.capacity.disability":            {"{member}：{disability}{grade}级", "{member}: {disability} disability grade {grade}"},
	"tekun.capacity.other":                 {"{member}：经认定无劳动能力（省级规定的其他情形）", "{member}: no capacity to work on other grounds set by the province"},
	"tekun.capacity.has":                   {"{member}：{age}岁，不属于无劳动能力情形", "{member}: aged {age}, not without capacity to work"},
	"tekun.no_income":                      {"无生活来源", "no source of living"},
	"tekun.income_below":                   {"本人月收入 {income} 元低于低保标准 {standard} 元", "own income {income} yuan below the standard {standard}"},
	"tekun.assets_unassessed":              {"财产是否符合特困财产规定未评估，须人工核实", "assets not assessed against the Tekun limits: to be checked"},
	"tekun.assets_over":                    {"财产超过本地特困财产规定", "assets exceed the local limits"},
	"tekun.assets_within":                  {"财产符合本地特困财产规定", "assets within the local limits"},
	"tekun.no_supporter":                   {"无法定赡养、抚养、扶养义务人或其无履行义务能力", "no legal supporter, or none able to support"},
	"tekun.supporter.none":                 {"无法定义务人", "no legal supporter"},
	"tekun.supporter.tekun":                {"义务人（{relation}）本人是特困人员", "supporter ({relation}) is a Tekun person"},
	"tekun.supporter.dibao_elderly":        {"义务人（{relation}，{age}岁）是老年低保对象", "supporter ({relation}, {age}) is an elderly Dibao recipient"},
	"tekun.supporter.incapacitated":        {"义务人（{relation}）无民事行为能力、被宣告失踪或在监狱服刑", "supporter ({relation}) lacks civil capacity, is missing or in prison"},
	"tekun.supporter.old_or_disabled_poor": {"义务人（{relation}，{age}岁）高龄或重度残疾且收入低、财产符合规定", "supporter ({relation}, {age}) old or severely disabled with low income and assets"},
	"tekun.supporter.able":                 {"义务人（{relation}，{age}岁）有履行义务能力", "supporter ({relation}, {age}) is able to support"},
	"tekun.amount":                         {"供养标准：基本生活 {basic} 元 + 照料护理 {care} 元（{form}）= {amount} 元", "support: basic {basic} + care {care} ({form}) = {amount} yuan"},
	"tekun.self_care":                      {"六项日常生活活动 {failed_items} 项不能完成：{level}", "{failed_items} of six daily-living items failed: {level}"},

	"linshi":                       {"临时救助", "temporary assistance (Linshi)"},
	"linshi.no_request":            {"没有临时救助申请事项", "no request"},
	"linshi.residence_other":       {"非本地户籍且无居住证：由乡镇协助向县级救助管理机构申请", "neither local hukou nor residence permit: referred to the county assistance agency"},
	"linshi.residence_local":       {"户籍或居住证在本地（{residence}）", "local hukou or residence permit ({residence})"},
	"linshi.urgent":                {"急难型：突发事件、意外事故、重大疾病等", "urgent type: sudden accident, serious illness or the like"},
	"linshi.expenditure_income":    {"支出型：人均年收入 {annual_per_capita} 元低于上年度当地人均可支配收入 {disposable_income} 元", "expenditure type: annual income per capita {annual_per_capita} below {disposable_income}"},
	"linshi.no_income.months":      {"连续 {months} 个月无收入（须 {required} 个月）", "{months} months without income ({required} required)"},
	"linshi.no_income.uninsured":   {"未参加失业保险", "not covered by unemployment insurance"},
	"linshi.no_income.not_dibao":   {"未纳入低保", "not on Dibao"},
	"linshi.need":                  {"救助需求 {need} 元", "need {need} yuan"},
	"linshi.cap":                   {"上限 {cap} 元（标准 {standard} 元，{members} 人），需求 {need} 元，救助 {amount} 元", "cap {cap} yuan (standard {standard}, {members} persons), need {need}, paid {amount}"},
	"linshi.assist_first":          {"先行救助：金额 {amount} 元，上限 {limit} 元", "assist first: {amount} yuan, limit {limit}"},
	"linshi.assist_first:info":     {"先行救助", "assist first"},
	"linshi.assist_first_no_limit": {"本地未设置先行救助金额上限，须人工决定", "no local assist-first limit: decide by hand"},

	"price":              {"价格临时补贴", "price-linked temporary subsidy"},
	"price.no_index":     {"没有价格指数", "no price index given"},
	"price.trigger":      {"联动机制启动条件", "trigger conditions"},
	"price.trigger.cpi":  {"{index_month} CPI同比 {cpi}，启动条件 {threshold}", "{index_month} CPI {cpi} year on year, trigger {threshold}"},
	"price.trigger.food": {"{index_month} 食品CPI同比 {food}，启动条件 {threshold}", "{index_month} food CPI {food}, trigger {threshold}"},
	"price.stop":         {"未达到启动条件，本月停止发放", "no trigger: no subsidy this month"},
	"price.covered":      {"保障对象", "covered persons"},
	"price.member":       {"{member}：{group}", "{member}: {group}"},
	"price.amount":       {"每人 {per_person} 元 × {persons} 人 = {amount} 元（标准 {standard} 元 × 涨幅）", "{per_person} yuan × {persons} persons = {amount} (standard {standard} × rise)"},

	"disability":        {"残疾人两项补贴", "disability subsidies"},
	"disability.member": {"{member}：{category}{grade}级", "{member}: {category} disability grade {grade}"},
	"disability.living": {"困难残疾人生活补贴：低保家庭（或本地扩展范围）", "living subsidy: in a Dibao household (or as locally extended)"},
	"disability.care":   {"重度残疾人护理补贴：一、二级（或本地扩展范围）", "care subsidy: grade 1 or 2 (or as locally extended)"},
	"disability.none":   {"没有符合条件的持证残疾人", "no eligible certificate holder"},

	"orphan":                 {"孤儿、事实无人抚养儿童基本生活费", "orphan and de facto unsupported child allowance"},
	"orphan.member":          {"{member}（{age}岁）", "{member} ({age})"},
	"orphan.age":             {"年龄 {age} 岁，未满 {limit} 岁（或在校继续保障）", "aged {age}, under {limit} (or in school where continued)"},
	"orphan.parents_unknown": {"父母情况不全，须人工核实", "parents' situation incomplete: to be checked"},
	"orphan.orphan":          {"父母均死亡或宣告失踪：孤儿", "both parents dead or declared missing: orphan"},
	"orphan.de_facto":        {"父母情况（{parent1}、{parent2}）符合事实无人抚养儿童条件", "parents ({parent1}, {parent2}) meet the de facto unsupported conditions"},
}

// codeWords are the words for the facts whose value is a code (the hukou
// type, an income kind, a disability category...), by fact name: a
// sentence shows the word, never the code. A code with no word here is
// shown as it is, and render reports it (TestExplanationSentences).
var codeWords = map[string]map[string][2]string{
	"hukou": {"urban": {"城市", "urban"}, "rural": {"农村", "rural"}},
	"kind": {
		"wage":                   {"工资性收入", "wages"},
		"business":               {"经营净收入", "business income"},
		"property":               {"财产净收入", "property income"},
		"transfer":               {"转移净收入", "transfer income"},
		"other":                  {"其他收入", "other income"},
		"maintenance":            {"赡养费、抚养费", "maintenance payments"},
		"basic_pension_central":  {"城乡居民基本养老保险基础养老金", "basic pension of the residents' pension insurance"},
		"pension":                {"养老金", "pension"},
		"social_insurance":       {"社会保险待遇", "social insurance benefits"},
		"preferential_pension":   {"优待抚恤金", "preferential treatment and survivors' pension"},
		"old_age_allowance":      {"高龄津贴", "old-age allowance"},
		"family_planning_reward": {"计划生育奖励扶助金", "family planning reward"},
		"scholarship":            {"奖学金", "scholarship"},
		"heroic_reward":          {"见义勇为奖励", "reward for bravery"},
		"social_assistance":      {"社会救助款物", "social assistance"},
		"unemployment_insurance": {"失业保险金", "unemployment insurance benefit"},
	},
	"category":   disabilityWords,
	"disability": disabilityWords,
	"parent1":    parentWords,
	"parent2":    parentWords,
	"residence": {
		"":                 {"未注明，按本地处理", "not stated, taken as local"},
		"local_hukou":      {"本地户籍", "local hukou"},
		"residence_permit": {"本地居住证", "local residence permit"},
		"other":            {"非本地户籍且无居住证", "neither local hukou nor residence permit"},
	},
	"group": {
		"":                       {"不属于保障对象", "not in a covered group"},
		"dibao":                  {"低保对象", "Dibao recipient"},
		"tekun":                  {"特困人员", "Tekun person"},
		"marginal":               {"低保边缘家庭成员", "member of a marginal household"},
		"rigid_expense":          {"刚性支出困难家庭成员", "member of a rigid-expenditure household"},
		"unemployment_insurance": {"领取失业保险金人员", "receives unemployment insurance"},
		"unemployment_subsidy":   {"领取失业补助金人员", "receives the unemployment subsidy"},
		"preferential":           {"抚恤补助优抚对象", "entitled to preferential treatment"},
		"orphan":                 {"孤儿", "orphan"},
		"de_facto_unsupported":   {"事实无人抚养儿童", "de facto unsupported child"},
		"hiv_child":              {"感染艾滋病病毒儿童", "child living with HIV"},
	},
	"asset": {
		"financial":     {"金融资产", "financial assets"},
		"vehicles":      {"机动车", "vehicles"},
		"vehicle_value": {"机动车价值", "vehicle value"},
		"homes":         {"住房", "homes"},
		"business":      {"登记经营市场主体", "registered businesses"},
	},
	"form": {"dispersed": {"分散供养", "dispersed support"}, "centralised": {"集中供养", "centralised support"}},
	"level": {
		"self":    {"生活能自理", "fully self-caring"},
		"partial": {"部分丧失生活自理能力", "partly unable to care for themselves"},
		"full":    {"完全丧失生活自理能力", "fully unable to care for themselves"},
	},
}

var disabilityWords = map[string][2]string{
	"visual":       {"视力残疾", "visual"},
	"hearing":      {"听力残疾", "hearing"},
	"speech":       {"言语残疾", "speech"},
	"physical":     {"肢体残疾", "physical"},
	"intellectual": {"智力残疾", "intellectual"},
	"mental":       {"精神残疾", "mental"},
	"multiple":     {"多重残疾", "multiple"},
}

var parentWords = map[string][2]string{
	"alive":             {"健在", "alive"},
	"dead":              {"死亡", "dead"},
	"missing":           {"宣告失踪", "declared missing"},
	"severe_disability": {"重残", "severely disabled"},
	"serious_illness":   {"重病", "seriously ill"},
	"in_prison":         {"服刑在押", "in prison"},
	"detained":          {"被羁押", "detained"},
	"in_rehab":          {"强制隔离戒毒", "in compulsory rehabilitation"},
	"out_of_contact":    {"失联", "out of contact"},
	"restricted":        {"被执行其他限制人身自由的措施", "under another restriction of liberty"},
}

// placeholder matches a fact's place in a sentence template.
var placeholder = regexp.MustCompile(`\{[a-z_0-9]+\}`)

// unfilledMark stands, in a rendered sentence, for a fact the step did not
// record: never a plausible value such as 0. render reports it.
const unfilledMark = "?"

type textSet struct{ lang int }

func texts(lang string) textSet {
	if lang == "en" {
		return textSet{1}
	}
	return textSet{0}
}

// template is the sentence of n's rule in the set's language: the one for
// its outcome ("rule:pass") if there is one, else the rule's.
func (t textSet) template(n *Node) (string, bool) {
	if tpl, ok := sentences[n.Rule+":"+string(n.Outcome)]; ok {
		return tpl[t.lang], true
	}
	tpl, ok := sentences[n.Rule]
	return tpl[t.lang], ok
}

// Sentence renders n's rule with its facts in the set's language.
func (t textSet) Sentence(n *Node) string {
	s, _ := t.render(n)
	return s
}

// render renders n's sentence and lists its faults: a placeholder no fact
// fills (shown as ?), a coded fact with no word in codeWords (shown as
// the code). The calculators must record every fact their sentences name,
// with 0 where 0 is the value; the tests require no faults.
func (t textSet) render(n *Node) (string, []string) {
	tpl, ok := t.template(n)
	if !ok {
		parts := []string{n.Rule}
		for _, f := range n.Facts {
			parts = append(parts, f.Name+"="+f.Value)
		}
		return strings.Join(parts, " "), []string{"no sentence for rule " + n.Rule}
	}
	var faults []string
	s := placeholder.ReplaceAllStringFunc(tpl, func(ph string) string {
		name := ph[1 : len(ph)-1]
		i := slices.IndexFunc(n.Facts, func(f Fact) bool { return f.Name == name })
		if i < 0 {
			faults = append(faults, "no fact "+name)
			return unfilledMark
		}
		v := n.Facts[i].Value
		if words, coded := codeWords[name]; coded {
			w, ok := words[v]
			if !ok {
				faults = append(faults, fmt.Sprintf("no word for %s %q", name, v))
				return v
			}
			return w[t.lang]
		}
		return v
	})
	return s, faults
}

// Sentence renders one explanation step in lang ("zh" or "en").
func Sentence(n *Node, lang string) string { return texts(lang).Sentence(n) }

var words = map[string][2]string{
	"verdict": {"结论", "verdict"}, "amount": {"金额", "amount"}, "yuan": {"元", "yuan"},
	"route": {"转办", "route"}, "needs_review": {"有须人工核实的事项", "some points need a caseworker's check"},
	"param": {"参数", "parameter"}, "from": {"起", "from"}, "source": {"依据", "source"},
	"eligible": {"符合", "eligible"}, "ineligible": {"不符合", "not eligible"},
	"gradual_exit": {"渐退期", "gradual exit"}, "not_triggered": {"未启动", "not triggered"},
	"national": {"全国", "national"}, "province": {"省级", "province"}, "city": {"市级", "city"}, "county": {"县级", "county"},
	"orphan_allowance": {"孤儿基本生活保障", "orphan allowance"}, "assistance_agency": {"县级救助管理机构", "county assistance agency"},
	"assist_first": {"可先行救助", "may be paid first"},
	"dibao":        {"最低生活保障", "Dibao"}, "tekun": {"特困人员救助供养", "Tekun support"}, "marginal": {"低保边缘家庭", "marginal household"},
	"rigid_expense": {"刚性支出困难家庭", "rigid-expenditure household"}, "linshi": {"临时救助", "temporary assistance"},
	"price_subsidy": {"价格临时补贴", "price subsidy"}, "disability_subsidy": {"残疾人两项补贴", "disability subsidies"},
	"orphan_allowance_program": {"孤儿、事实无人抚养儿童基本生活费", "orphan allowance"},
}

func (t textSet) word(k string) string {
	if w, ok := words[k]; ok {
		return w[t.lang]
	}
	return k
}

func (t textSet) program(p Program) string {
	if p == OrphanAllowance {
		return t.word("orphan_allowance_program")
	}
	return t.word(string(p))
}
func (t textSet) verdict(v Verdict) string { return t.word(string(v)) }
func (t textSet) route(r string) string    { return t.word(r) }
func (t textSet) scope(s string) string    { return t.word(s) }

// Mark is the sign shown before a step: ✓ met, ✗ not met, ? to check, · a step.
func Mark(o Outcome) string {
	switch o {
	case Pass:
		return "✓"
	case Fail:
		return "✗"
	case Manual:
		return "?"
	}
	return "·"
}

// ProgramName, VerdictName, RouteName and ScopeName give display names in
// lang.
func ProgramName(p Program, lang string) string { return texts(lang).program(p) }
func VerdictName(v Verdict, lang string) string { return texts(lang).verdict(v) }
func RouteName(r, lang string) string           { return texts(lang).route(r) }
func ScopeName(s, lang string) string           { return texts(lang).scope(s) }
