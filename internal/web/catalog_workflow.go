package web

// Chinese for the workflow's messages (internal/casework, its store and
// API). The casework pages' own strings are in catalog_casework.go.
func init() {
	for k, v := range map[string]string{
		"an applicant may only resubmit, add materials to or withdraw their own application":                         "申请人只能补正提交、补充材料或撤回本人的申请",
		"you are declared a near relative of this household (%s): you are recused from this case":                    "您已被申报为该家庭的近亲属（%s），须回避本案",
		"application %d is not in your jurisdiction":                                                                 "申请 %d 不在您的辖区内",
		"the role %s cannot take the action %s":                                                                      "角色 %s 不能执行操作 %s",
		"unknown program %q":                                                                                         "未知的救助项目 %q",
		"unknown action %q":                                                                                          "未知的操作 %q",
		"nothing is missing: accept the application, or name the items missing":                                      "材料齐全：请受理，或写明所缺材料",
		"record the home investigation before finishing the investigation":                                           "请先登记入户调查，再结束调查",
		"say what the objection is":                                                                                  "请填写异议内容",
		"the objection's date must lie between the notice's first day %s and today":                                  "异议日期须在公示首日 %s 至今天之间",
		"the notice runs until %s: it can be closed from the next day":                                               "公示期至 %s，次日起方可结束公示",
		"a rejection must give its reasons in writing":                                                               "不予批准须书面说明理由",
		"the delivery date must lie between the rejection %s and today":                                              "送达日期须在不予批准之日 %s 至今天之间",
		"say why the application is withdrawn":                                                                       "请填写撤回原因",
		"materials missing: %s; ask for them all at once (request_materials)":                                        "缺少材料：%s；请一次性告知补正",
		"give the visit's date, mode, visitors and findings":                                                         "请填写入户调查的日期、方式、调查人员和调查情况",
		"the visit's date must lie between the filing %s and today":                                                  "调查日期须在申请日 %s 至今天之间",
		"the mode must be one of %s":                                                                                 "调查方式须为 %s 之一",
		"name who made the visit":                                                                                    "请填写调查人员",
		"record what the visit found":                                                                                "请填写调查情况",
		"this case needs the county to visit the home in person":                                                     "本案须由县级实地入户调查",
		"give the appraisal's date, participants, votes and summary":                                                 "请填写民主评议的日期、参加人数、表决情况和评议意见",
		"the date must lie between the filing %s and today":                                                          "日期须在申请日 %s 至今天之间",
		"give the number of participants":                                                                            "请填写参加人数",
		"the votes (%d for, %d against) cannot exceed the %d participants":                                           "表决票数（同意 %d，反对 %d）不能超过参加人数 %d",
		"summarise the appraisal":                                                                                    "请填写评议意见",
		"record the review's opinion":                                                                                "请填写审核意见",
		"an opinion against must give its reasons":                                                                   "不同意的意见须说明理由",
		"the opinion must be approve or reject":                                                                      "意见须为同意或不同意",
		"a notice cannot start before today":                                                                         "公示不能早于今天开始",
		"an application in state %s cannot take %s; allowed now: %s":                                                 "处于 %s 状态的申请不能执行 %s；当前可执行：%s",
		"this case needs a county home visit in person before confirmation (near-relative declaration or objection)": "本案须经县级实地入户调查后方可确认（近亲属备案或有异议）",
		"confirm needs the rules engine's result":                                                                    "确认须有规则引擎的测算结果",
		"the amount must be above 0 and at most %s":                                                                  "金额须大于 0 且不超过 %s",
		"the rules engine could not calculate (%v): enter the amount and the reason":                                 "规则引擎无法测算（%v）：请填写金额和理由",
		"the rules engine could not calculate (%v): give the reason for the amount":                                  "规则引擎无法测算（%v）：请说明金额的依据",
		"the rules engine finds the household %s: give the reason for approving":                                     "规则引擎的测算结论为 %s：请说明批准理由",
		"the amount differs from the rules engine's %s yuan: give the reason":                                        "金额与规则引擎测算的 %s 元不同：请说明理由",
		"the amount must be above 0":                                                                                 "金额须大于 0",
		"an extension needs a recorded reason (special circumstances)":                                               "延长时限须记录理由（特殊情况）",
		"the region sets no extended limit (%s)":                                                                     "本地区未设置延长时限（%s）",
		"give the amount paid":                                                                                       "请填写救助金额",
		"record why the household was helped first":                                                                  "请填写先行救助的原因",
		"at most %s yuan may be paid first in this region (linshi.assist_first_max); the rest follows the ordinary procedure": "本地区先行救助金额不超过 %s 元（linshi.assist_first_max），其余按一般程序办理",
		"the role %s does not take applications":                           "角色 %s 不受理申请",
		"%q is not a program one applies for":                              "%q 不是可申请的救助项目",
		"choose the type: %s":                                              "请选择类型：%s",
		"%s has no types":                                                  "%s 不分类型",
		"choose the household":                                             "请选择家庭",
		"choose the applicant among the household's members":               "请从家庭成员中选择申请人",
		"the channel must be one of counter, residence, entrusted, online": "申请渠道须为窗口（户籍地）、居住地、委托或网上申请之一",
		"staff file applications at the counter, at the residence or on someone's behalf; online is the applicant's own": "工作人员只能办理窗口、居住地或委托申请；网上申请须由申请人本人提交",
		"an application on someone's behalf names the agent (DB57 Art. 6)":                                               "委托申请须填写受托人（《最低生活保障审核确认办法》第六条）",
		"say who the agent is to the household (village committee, relative ...)":                                        "请填写受托人与家庭的关系（村（居）委会、亲属等）",
		"name the staff member or committee member":                                                                      "请填写工作人员或村（居）委会成员姓名",
		"say how they are related":                                 "请填写亲属关系",
		"say what post they hold":                                  "请填写其职务",
		"%q is not a known material":                               "%q 不是已定义的申请材料",
		"the household has no region to handle the application in": "该家庭没有可受理申请的所在地区",
		"application %d was changed by someone else since you opened it (version %d, yours %d): reload it and try again": "申请 %d 在您打开后已被他人处理（当前版本 %d，您的版本 %d）：请刷新后重试",
		"application %d was changed by someone else at the same time: reload it and try again":                           "申请 %d 同时被他人处理：请刷新后重试",
		"application %d has no decision yet":                       "申请 %d 尚无审批结果",
		"the applicant must be a current member of household %s":   "申请人须为家庭 %s 的现有成员",
		"household %s already has an open %s application (no. %d)": "家庭 %s 已有在办的 %s 申请（编号 %d）",
		"%q is not a number":                                       "%q 不是数字",
		"%q is not a positive number":                              "%q 不是正整数",
		"%q is not a date (YYYY-MM-DD)":                            "%q 不是有效日期（YYYY-MM-DD）",
	} {
		zh[k] = v
	}
}

// Chinese for the audit page's names of workflow records.
func init() {
	for k, v := range map[string]string{
		"Application":          "救助申请",
		"Near-relative filing": "近亲属备案",
		"Task":                 "待办任务",
		"Escalated":            "逾期上报",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}

func init() {
	zh["the household's registry data could not be read"] = "无法读取该家庭的登记数据"
}

// Chinese for reviews and enrollments.
func init() {
	for k, v := range map[string]string{
		"the role %s does not open reviews":                                     "角色 %s 不能发起复核",
		"no enrollment %d":                                                      "没有保障记录 %d",
		"the trigger must be one of %s":                                         "复核原因须为 %s 之一",
		"enrollment %d has ended: there is nothing to review":                   "保障记录 %d 已终止，无需复核",
		"say what was reported or found":                                        "请填写报告或发现的情况",
		"%s payments are one-off: they are not reviewed":                        "%s 为一次性救助，不作复核",
		"the outcome must be one of %s":                                         "复核结果须为 %s 之一",
		"give the reason for an amount other than the rules engine's":           "金额与规则引擎测算不同时须说明理由",
		"the rules engine gives no amount: enter the new amount and the reason": "规则引擎未给出金额：请填写新的金额和理由",
		"a change to a benefit needs its reasons in writing":                    "变更保障待遇须书面说明理由",
		"enrollment %d is %s":                                                   "保障记录 %d 的状态为 %s",
		"person %d is not a current member of the household":                    "人员 %d 不是该家庭的现有成员",
		"review %d: unknown outcome %q":                                         "复核 %d：未知的复核结果 %q",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}

func init() {
	zh["no registered household has a member with this ID number: the household must first be registered in the county of its household registration"] = "没有登记的家庭有此身份证号码的成员：须先在其户籍所在县登记该家庭"
}

func init() {
	zh["the notice ended on %s: an objection after it is a complaint, recorded with a review or a county visit"] = "公示已于 %s 结束：此后提出的异议按投诉举报处理，通过复核或县级入户调查记录"
}

func init() {
	zh["enrollment %d is not suspended: there is nothing to resume"] = "保障记录 %d 未暂停，无需恢复"
	zh["enrollment %d is suspended already"] = "保障记录 %d 已经暂停"
}
