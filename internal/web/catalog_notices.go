package web

// Chinese for the printed documents: the public notice (/notices,
// print_notice.html) and the letters of decision and rejection
// (/applications/{id}/letter, print_letter.html), with their messages.
// The remedies sentence follows SAIM Art. 65 without periods: the policy
// reference gives none.
func init() {
	for k, v := range map[string]string{
		// The public notice.
		"Public notices": "公示",
		"Choose a township and a period: the notice lists the applications proposed for approval whose public notice runs in it, with names partly masked, household size, program and amount. Minors are never listed; no ID number, address or health detail is shown.": "请选择乡镇（街道）和期间：公示列出公示期在该期间内的拟批准申请，包括部分隐去的姓名、家庭人口、救助项目和金额。未成年人一律不公示；不显示身份证号码、住址和健康状况。",
		"Township": "乡镇（街道）",
		"The 9-digit code of a township in your jurisdiction.": "辖区内乡镇（街道）的9位区划代码。",
		"From":  "起始日期",
		"To":    "截止日期",
		"Print": "打印",
		"Set notice.complaint_phone in the policy parameters":                             "请在政策参数中设置 notice.complaint_phone",
		"Public notice of the review of applicants for Dibao and other social assistance": "低保等社会救助对象审核公示",
		"Notice period": "公示期",
		"%s to %s":      "%s至%s",
		"Under the Interim Measures for Social Assistance and the rules on the review and confirmation of Dibao, the following applicants the township proposes to assist are publicly notified. Anyone who objects may report it during the notice period to the township government or the county's civil affairs department.": "根据《社会救助暂行办法》《最低生活保障审核确认办法》等规定，现将拟给予救助的对象予以公示。公示期间如有异议，请向乡镇人民政府（街道办事处）或县级民政部门反映。",
		"No.":       "序号",
		"(one-off)": "（一次性）",
		"No application is publicly noticed in this township in the period.": "该期间内本乡镇（街道）没有公示的申请。",
		"Complaint phone:": "监督举报电话：",
		"Period: %s":       "期间：%s",
		"(stamp)":          "（盖章）",
		"choose a township (a 9-digit code) or a village (12 digits)": "请选择乡镇（街道，9位代码）或村（社区，12位代码）",
		"give the period's first day":                                 "请填写起始日期",
		"give the period's last day":                                  "请填写截止日期",
		"the period's last day %s is before its first day %s":         "截止日期 %s 早于起始日期 %s",
		"a notice covers at most %d days":                             "每次公示查询最多 %d 天",
		// The application page.
		"Proposed amount (yuan)": "拟保障金额（元）",
		"For an opinion in favour: blank proposes the rules engine's amount; another amount needs the reasons. The public notice shows it.": "同意时：不填则按规则测算金额；填写其他金额须说明理由。公示中显示该金额。",
		"Print the notice": "打印通知书",
		// The letters.
		"Notice of decision":      "审批决定通知书",
		"Notice of rejection":     "不予批准告知书",
		"Back to the application": "返回申请",
		"Dear %s,":                "%s：",
		"Your application for %s has been reviewed and confirmed: it is approved.":                    "您申请的%s，经审核确认，决定予以批准。",
		"Your application for %s has been reviewed: it is not approved, for the reasons given below.": "您申请的%s，经审核，决定不予批准，理由如下。",
		"Date of the decision":        "决定日期",
		"Amount (yuan, one-off)":      "救助金额（元，一次性）",
		"Monthly amount (yuan)":       "月保障金额（元）",
		"Paid in":                     "发放月份",
		"First month paid":            "起始发放月份",
		"How the amount was found":    "核算情况",
		"The rules engine's verdict:": "规则测算结论：",
		", %s yuan":                   "，%s 元",
		"Notes:":                      "说明：",
		"If you disagree with this decision, you may apply for administrative reconsideration or bring an administrative lawsuit according to law.": "如对本决定不服，可依法申请行政复议或者提起行政诉讼。",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}
