package web

import "safetynet/internal/casework"

// Chinese for the benefits on the household page (enrollments, reports of
// change and job offers), the review's application page and the
// cross-region filing form, and the labels of the reviews' enumerations:
// triggers, outcomes and enrollment statuses.
func init() {
	for k, v := range map[string]string{
		// The household's benefits.
		"Benefits":                           "保障情况",
		"First month":                        "起始月份",
		"Last month":                         "终止月份",
		"Status":                             "保障状态",
		"Gradual exit from":                  "渐退起始月份",
		"Next re-check":                      "下次复核日期",
		"Refusals of work in a row":          "连续拒绝就业",
		"%s: %d in a row":                    "%s：连续 %d 次",
		"Benefit no. %d":                     "保障记录 %d 号",
		"The household receives no benefit.": "该家庭暂无保障记录。",
		"Report a change":                    "报告变化",
		"Opens a review: the township investigates and proposes the outcome, the county confirms it; a change takes effect from the next month.": "发起复核：由乡镇（街道）调查核实并提出复核意见，县级确认；变更自次月起生效。",
		"Reason for the review":      "复核原因",
		"What was reported or found": "报告或发现的情况",
		"A birth, a death, a change of income, a complaint or report …": "如出生、死亡、收入变化、投诉举报等",
		"Open a review": "发起复核",
		"Nothing was opened: this household already has an open case for this program, which takes the change into account.": "未发起复核：该家庭本项目已有在办事项，报告的变化将在其中一并核实。",
		"Record a job offer": "记录就业推荐",
		"A refusal without good reason counts; an acceptance starts the count again. At the limit in a row a review opens to reduce or stop the member's share.": "无正当理由拒绝的计入次数，接受推荐的重新计算；连续拒绝达到上限的，发起复核以减发或停发该成员的保障金。",
		"Member offered the job":                                 "被推荐就业的成员",
		"Refused the offer":                                      "是否拒绝",
		"Yes: refused without good reason":                       "是：无正当理由拒绝",
		"No: accepted":                                           "否：已接受",
		"The job offered, and what the member said.":             "推荐的岗位及该成员的答复。",
		"Record the answer":                                      "记录",
		"say whether the member refused the offer":               "请选择该成员是否拒绝",
		"Recorded: %s refused the job offer, %d times in a row.": "已记录：%s 无正当理由拒绝就业推荐，已连续 %d 次。",
		"Recorded: %s accepted the job offer; the count of refusals starts again.":                                "已记录：%s 接受了就业推荐，连续拒绝次数重新计算。",
		"The refusals in a row reached the limit (SAIM Art. 45): the member's share is to be reduced or stopped.": "连续拒绝次数已达上限（《社会救助暂行办法》第四十五条）：应减发或停发该成员的保障金。",
		"A review was opened:": "已发起复核：",
		"A review is already open and takes the refusals into account:": "已有在办的复核，将一并考虑：",
		// A review's page.
		"Review no. %d":             "复核 %d 号",
		"Review of":                 "复核对象",
		"Proposed outcome":          "拟定复核结果",
		"New monthly amount (yuan)": "调整后月保障金额（元）",
		"For an adjustment or a gradual exit: blank proposes the rules engine's amount; another amount needs the reasons.": "调整金额或渐退时填写：留空则按规则引擎测算的金额；填写其他金额须说明理由。",
		"Required for any change: a decrease, a suspension or an end is explained in writing.":                             "变更保障待遇须填写；减发、暂停或停发须书面说明理由。",
		"The township proposes:": "乡镇（街道）拟定：",
		"yuan a month":           "元/月",
		"Kept with the decision. To change the outcome, reject the proposal with the reasons.": "随决定存档。如不同意拟定结果，请说明理由并不予批准。",
		"Outcome of the review": "复核结果",
		"Takes effect from":     "生效月份",
		"The review was opened: investigate, then propose its outcome.": "复核已发起：请调查核实后提出复核意见。",
		// Who acted, on the timeline.
		"The applicant (online)": "申请人（网上）",
		"System":                 "系统",
		// Cross-region filing.
		"File for a person registered elsewhere": "代收异地申请",
		"For a person whose household is registered in another county (at the place of residence, DB57 Art. 5). The application goes to the township of their household, which handles it; your office can follow its progress but cannot act on it.": "适用于户籍在其他县（市、区）的申请人（在居住地申请，《最低生活保障审核确认办法》第五条）。申请将转至其家庭所在乡镇（街道）办理；本单位可查看进度，但不能办理。",
		"Applicant's ID number": "申请人身份证号码",
		"The applicant's household must be registered in the county of its household registration.": "申请人的家庭须已在其户籍所在县（市、区）登记。",
		"enter the applicant's ID number": "请填写申请人的身份证号码",
		"This application has been handed over to %s to handle; your office can follow its progress.": "本申请已转至 %s 办理；本单位可查看进度。",
	} {
		zh[k] = v
	}

	enumValues["review_trigger"] = casework.Triggers
	enumValues["review_outcome"] = casework.Outcomes
	enumValues["enrollment_status"] = []string{casework.Active, casework.Suspended, casework.Ended, casework.Superseded}
	for k, v := range map[string][2]string{
		"case_action.open_review": {"发起复核", "Review opened"},
		// Review triggers (复核原因).
		"review_trigger.scheduled":     {"定期复核", "Scheduled re-check"},
		"review_trigger.change_report": {"家庭情况变化", "Change in the household"},
		"review_trigger.refusals":      {"连续拒绝就业", "Refusals of work in a row"},
		"review_trigger.verification":  {"经济状况核对发现", "Found by economic-status verification"},
		"review_trigger.warning":       {"动态监测预警", "Raised by a monitoring warning"},
		"review_trigger.other":         {"其他", "Other"},
		// Review outcomes (复核结果).
		"review_outcome.unchanged":    {"维持", "Unchanged"},
		"review_outcome.adjust":       {"调整金额", "Adjust the amount"},
		"review_outcome.gradual_exit": {"渐退", "Gradual exit"},
		"review_outcome.suspend":      {"暂停", "Suspend"},
		"review_outcome.resume":       {"恢复", "Resume"},
		"review_outcome.end":          {"停发", "End"},
		// Enrollment statuses (保障状态).
		"enrollment_status.active":     {"正常", "Active"},
		"enrollment_status.suspended":  {"暂停", "Suspended"},
		"enrollment_status.ended":      {"终止", "Ended"},
		"enrollment_status.superseded": {"已调整", "Adjusted"},
	} {
		enumLabels[k] = v
	}
}
