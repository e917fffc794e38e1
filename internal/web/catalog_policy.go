package web

// Chinese for the rules engine's messages and the eligibility check. Kept
// apart from catalog.go so the policy strings are found together.
func init() {
	for k, v := range map[string]string{
		"%d is not an age":                                                             "%d 不是有效年龄",
		"%q is not a known parameter":                                                  "%q 不是已定义的参数",
		"%q is not a program; want one of %v":                                          "%q 不是救助项目，应为 %v 之一",
		"%q is not a region code of a county or below (6 to 12 digits)":                "%q 不是县级及以下区划代码（6至12位数字）",
		"%q is not a scope: want empty (national), or a 2-, 4- or 6-digit region code": "%q 不是有效范围：全国留空，或填写2、4、6位区划代码",
		"%q is not one of %v":                                                          "%q 不是 %v 之一",
		"%q is not urban or rural":                                                     "%q 不是城镇（urban）或农村（rural）",
		"%s: %v":                                                                       "%s：%v",
		"%s is not a month: enter the year and month as YYYY-MM, such as %s":           "%s 不是有效的月份：请按 YYYY-MM 格式填写年月，如 %s",
		"Back to the household":                                                        "返回家庭",
		"Cannot calculate":                                                             "无法计算",
		"Check":                                                                        "核算",
		"Each program's verdict for the household as registered at the end of the month, with the rules, values and parameters behind it. The check informs; the caseworker decides.": "按该月末登记状况测算各救助项目的结论，并列出所依据的规则、数值和参数。测算仅供参考，由经办人员认定。",
		"Eligibility check for household %s":     "家庭 %s 的救助资格测算",
		"Eligibility check":                      "资格测算",
		"Notes":                                  "说明",
		"Program":                                "救助项目",
		"Route":                                  "转办",
		"Some points need a caseworker's check.": "有须人工核实的事项。",
		"The household was registered on %s, so there is no registry data for %s. Choose %s or later.": "该家庭于 %s 登记，%s 没有登记数据。请选择 %s 或以后的月份。",
		"Verdict":  "结论",
		"YAML: %v": "YAML 格式错误：%v",
		"a %d-year-old is recorded as drawing a pension":                           "%d 岁的人员被登记为领取养老金",
		"a disability grade needs its category":                                    "残疾等级须同时填写残疾类别",
		"a household needs exactly one member with relationship applicant, not %d": "家庭须有且只有一名申请人，现有 %d 名",
		"a month is needed": "须填写月份",
		"a parameter value needs the date it takes effect":              "参数值须填写生效日期",
		"at most %d households per request; run larger sets as a batch": "每次请求最多 %d 户，更多请用批量任务",
		"born %s, after the month calculated":                           "出生日期 %s 晚于测算月份",
		"cannot be negative":                                            "不能为负数",
		"employment cost %s is more than the income %s":                 "就业成本 %s 高于收入 %s",
		"give a birth date or an age":                                   "请填写出生日期或年龄",
		"give household_id, household or households":                    "请提供 household_id、household 或 households",
		"grade %d is not 1 to 4":                                        "残疾等级 %d 不在1至4级之间",
		"id %q is used twice":                                           "成员编号 %q 重复",
		"no member has id %q":                                           "没有编号为 %q 的成员",
		"parameter %s is not set for region %s on %s":                   "参数 %s 在区划 %s 于 %s 未设置",
		"parameter file: %v":                                            "参数文件：%v",
		"the applicant is recorded as dead":                             "申请人被登记为已死亡",
		"the exit starts in %s, after the month calculated":             "渐退期开始于 %s，晚于测算月份",
		"the index month is needed":                                     "须填写价格指数月份",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}
