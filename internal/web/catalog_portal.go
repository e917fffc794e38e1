package web

import "safetynet/internal/casework"

// Chinese for the citizen portal (/portal) and its sign-in
// (auth.Citizens), and the labels a citizen sees for an application's
// states and steps: plain words for the applicant, not the offices' own
// terms (which catalog_casework.go keeps for staff).
func init() {
	for k, v := range map[string]string{
		// Layout and sign-in.
		"Social assistance online": "社会救助网上办",
		"Questions? Call the social assistance hotline 12349, or ask your township (street) office.":                                       "如有疑问，请拨打社会救助服务热线12349，或咨询所在乡镇（街道）。",
		"Sign in with your resident ID number and the mobile phone registered with your household. We send a one-time code to that phone.": "请输入本人居民身份证号码和家庭登记的手机号码，我们将向该手机发送验证码。",
		"Mobile phone":   "手机号码",
		"Send me a code": "获取验证码",
		"Your phone number is not registered, or has changed? Ask your village (community) committee or township (street) office to update it.": "手机号码未登记或已更换？请到村（居）委会或乡镇（街道）更新。",
		"Enter the code": "输入验证码",
		"If the details are correct, a code has been sent.":                       "如信息无误，验证码已发送。",
		"The code has 6 digits and is valid for 5 minutes.":                       "验证码为6位数字，5分钟内有效。",
		"Demo: no text message is sent. The code is written to the server's log.": "演示环境：不发送短信，验证码写入服务器日志。",
		"Code":                 "验证码",
		"Ask for a new code":   "重新获取验证码",
		"You have signed out.": "您已安全退出。",
		"enter the 11-digit mobile number registered with your household":                "请输入家庭登记的11位手机号码",
		"a code was asked for this phone less than a minute ago: please wait %d seconds": "该手机号码1分钟内已获取过验证码，请 %d 秒后再试",
		"at most %d codes a day are sent to one phone: please try again after %s":        "同一手机号码每天最多获取 %d 次验证码，请于 %s 后再试",
		"the code has expired or was already used: please ask for a new one":             "验证码已过期或已使用，请重新获取",
		"enter the %d digits of the code sent to your phone":                             "请输入手机收到的 %d 位验证码",
		"too many wrong codes: please ask for a new one":                                 "验证码错误次数过多，请重新获取",
		"the code is wrong: %d more tries":                                               "验证码错误，还可尝试 %d 次",
		"you are not a member of a registered household":                                 "您目前不是已登记家庭的成员",
		"There is no such page or application.":                                          "没有该页面或申请。",
		"tick what you have handed in":                                                   "请勾选您已提交的材料",
		"describe your family's difficulty":                                              "请说明家庭困难情况",
		"the application can only be examined with this authorisation: tick it to apply": "须授权核对家庭经济状况才能办理申请，请勾选授权后再提交",
		// My applications.
		"My applications":                        "我的申请",
		"Apply for assistance":                   "申请救助",
		"Filed on %s":                            "%s 提交",
		"Filed on":                               "提交日期",
		"Time limit":                             "办理时限",
		"By %s":                                  "%s 前办结",
		"By %s (provisional)":                    "%s 前办结（暂定）",
		"%d working days from acceptance":        "受理后 %d 个工作日内办结",
		"You have not made any application yet.": "您还没有申请。",
		"You are not a member of a registered household, so you cannot apply online. Please apply at your township (street) office.": "您目前不是已登记家庭的成员，无法在网上申请，请到所在乡镇（街道）申请。",
		// One application.
		"Application no.": "申请编号",
		"Your application has been filed. The township office accepts it, or tells you at once everything that is missing.": "申请已提交。乡镇（街道）将予以受理，或一次性告知需要补充的全部材料。",
		"Your application has been withdrawn.":                                                  "申请已撤回。",
		"Sent back to the township office with what you handed in.":                             "已告知乡镇（街道）您补充提交的材料。",
		"This application has changed since you opened it: please look at where it stands now.": "您打开页面后申请状态已有变化，请查看最新进展。",
		"Amount":             "金额",
		"%s yuan a month":    "每月 %s 元",
		"%s yuan, paid once": "一次性发放 %s 元",
		"Paid in":            "发放月份",
		"First month paid":   "起始发放月份",
		"Not approved":       "未获批准",
		"Reasons":            "理由",
		"You will also receive the decision in writing. If you disagree, you may apply for administrative reconsideration or bring an administrative lawsuit within the time limits stated in it.": "您还将收到书面决定。如有异议，可在决定书载明的期限内申请行政复议或提起行政诉讼。",
		"Materials still needed": "需补充的材料",
		"The township office asked for these. Hand them in at the office (or to your village or community committee), then tell us here.": "乡镇（街道）要求补充以下材料。请交到乡镇（街道）或村（居）委会后，在此告知。",
		"I have handed these in":    "我已提交勾选的材料",
		"Progress":                  "办理进度",
		"You":                       "本人",
		"Township office":           "乡镇经办",
		"County approval":           "县级审批",
		"Withdraw this application": "撤回申请",
		"Why do you withdraw it?":   "撤回原因",
		"Withdraw":                  "撤回",
		// Filing.
		"For your household %s, as registered:": "申请家庭（户编号 %s）登记成员：",
		"If the household's members, income or property have changed, tell your village (community) committee or township (street) office: the application is examined on what is registered and verified.": "家庭成员、收入或财产有变化的，请告知村（居）委会或乡镇（街道）：申请按登记和核对的情况审核。",
		"Your family's difficulty":                           "家庭困难情况",
		"What happened, since when, and what help you need.": "发生了什么、从何时开始、需要什么帮助。",
		"I and the family members living with me authorise the civil affairs department to verify our household's income and assets": "本人及共同生活的家庭成员授权民政部门核对家庭经济状况",
		"This form is your written application. Applying with false information, or hiding income or property, is against the law.":  "本表即为书面申请。提供虚假信息、隐瞒收入或财产的，须承担法律责任。",
		"Submit the application": "提交申请",
		"Your household already has an application for %s in progress. If you made it, it is under My applications; otherwise ask your township (street) office.": "您的家庭已有一件在办的%s申请。如是您本人申请的，可在“我的申请”中查看；否则请咨询所在乡镇（街道）。",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}

	enumValues["portal_state"] = strs(casework.States)
	enumValues["portal_step"] = append(strs(casework.Actions), string(casework.File))
	for k, v := range map[string][2]string{
		// Where an application stands, as the applicant reads it.
		"portal_state.submitted":       {"已提交，待受理", "Submitted, waiting to be accepted"},
		"portal_state.incomplete":      {"需补充材料", "Materials needed"},
		"portal_state.investigating":   {"已受理，调查核实中", "Accepted, being checked"},
		"portal_state.township_review": {"乡镇审核中", "Being reviewed by the township"},
		"portal_state.notice":          {"公示中", "Public notice"},
		"portal_state.objection":       {"公示有异议，重新核实中", "Being checked again after an objection"},
		"portal_state.federation":      {"残联审核中", "With the disabled persons' federation"},
		"portal_state.county_review":   {"县级审批中", "Awaiting the county's decision"},
		"portal_state.approved":        {"已批准", "Approved"},
		"portal_state.rejected":        {"未获批准", "Not approved"},
		"portal_state.withdrawn":       {"已撤回", "Withdrawn"},
		// The steps of the timeline.
		"portal_step.file":                 {"提交申请", "Application filed"},
		"portal_step.accept":               {"受理申请", "Application accepted"},
		"portal_step.request_materials":    {"告知补充材料", "Asked for more materials"},
		"portal_step.resubmit":             {"补充材料后重新提交", "Materials handed in"},
		"portal_step.add_materials":        {"补充材料", "Materials added"},
		"portal_step.request_verification": {"核对家庭经济状况", "Income and assets verification"},
		"portal_step.record_visit":         {"入户调查", "Home visit"},
		"portal_step.record_appraisal":     {"民主评议", "Democratic appraisal"},
		"portal_step.finish_investigation": {"调查核实完毕", "Checks finished"},
		"portal_step.propose":              {"乡镇审核", "Township review"},
		"portal_step.object":               {"公示期间收到异议", "Objection during the public notice"},
		"portal_step.end_notice":           {"公示期满", "Public notice ended"},
		"portal_step.federation_opinion":   {"残联审核", "Disabled persons' federation review"},
		"portal_step.confirm":              {"批准", "Approved"},
		"portal_step.reject":               {"不予批准", "Not approved"},
		"portal_step.deliver_rejection":    {"送达书面决定", "Written decision delivered"},
		"portal_step.extend":               {"延长办理时限", "Time limit extended"},
		"portal_step.assist_first":         {"先行救助", "Emergency help paid first"},
		"portal_step.withdraw":             {"撤回申请", "Application withdrawn"},
	} {
		enumLabels[k] = v
	}
}

// Chinese for the applicant's uploads (portal_upload.go).
func init() {
	for k, v := range map[string]string{
		"Your file has been received: the township office can see it now.": "文件已收到，乡镇（街道）经办人员现在可以查看。",
		"Your materials": "我提交的材料",
		"Which material": "材料名称",
		"Photo or scan (JPEG, PNG or PDF, at most %s MB)": "照片或扫描件（JPEG、PNG 或 PDF，不超过 %s MB）",
		"Send": "提交",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}
