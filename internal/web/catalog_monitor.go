package web

// Chinese for dynamic monitoring (internal/monitor): risk rules and their
// errors.
func init() {
	for k, v := range map[string]string{
		"Monitoring":              "监测预警",
		"Warnings":                "预警",
		"Monitoring runs":         "监测批次",
		"Monitored population":    "监测对象",
		"Risk rules":              "预警规则",
		"Monitoring dashboard":    "监测看板",
		"Referrals":               "转介",
		"Partners":                "协作单位",
		"Referrals to us":         "转介给我单位",
		"%q is not a region code": "%q 不是行政区划代码",
		"line %d, column %d: %s":  "第 %d 行第 %d 列：%s",
		"say whether the rule finds need or a possible exit":                                                   "请说明规则发现的是救助需求还是可能退出",
		"the expression is empty: write a condition such as household.medical_oop_3m > 2 * household.standard": "表达式为空：请写一个条件，如 household.medical_oop_3m > 2 * household.standard",
		"the expression is longer than 2000 characters":                                                        "表达式超过2000个字符",
		"the severity must be high, medium or low":                                                             "预警级别须为 high（高）、medium（中）或 low（低）",
		"the suggested action must be one of %s":                                                               "建议措施须为 %s 之一",
		"no risk rule %d":                                                                                      "没有预警规则 %d",
		"rule %s exists already for region %q":                                                                 "规则 %s 在区域 %q 已存在",
		"the rule was changed by someone else (version %d, you read %d): reload it":                            "规则已被他人修改（当前版本 %d，您读取的是 %d）：请重新载入",
		"the rule would flag %d of %d monitored persons (more than 20%%): look at its dry run, then confirm":   "该规则将对 %d 名监测对象预警（共 %d 名，超过20%%）：请查看试运行结果后确认",
	} {
		zh[k] = v
	}
}
