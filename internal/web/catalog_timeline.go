package web

import "safetynet/internal/store"

// Chinese for a household's timeline (timeline.go, the household page's
// "timeline" section and GET /api/v1/households/{id}/timeline).
func init() {
	for k, v := range map[string]string{
		"Assistance timeline": "救助链",
		"All kinds":           "全部类型",
		"Nothing has happened to the household yet that you may see here.":            "尚无您可查看的该家庭救助记录。",
		"Benefits are shown with the amounts decided; payments are not recorded yet.": "待遇按决定的金额显示；发放记录尚未纳入。",
		"%q is not a kind of entry you may read: use %s":                              "%q 不是您可查看的记录类型：请用 %s",
		"Warning raised: %s, about %s":                                                "发出预警：%s（%s）",
		"Home visit for the warning: %s":                                              "预警入户核实：%s",
		"Warning closed (%s): %s":                                                     "预警办结（%s）：%s",
		"Application filed: %s":                                                       "提出申请：%s",
		"Review of the benefit opened: %s":                                            "启动待遇复核：%s",
		"Now: %s":                                                                     "当前：%s",
		"Approved: %s, %s yuan once (%s)":                                             "批准：%s，一次性 %s 元（%s）",
		"Approved: %s, %s yuan a month from %s":                                       "批准：%s，每月 %s 元，自 %s 起",
		"Not approved: %s":                                                            "不予批准：%s",
		"Review decided: %s, %s: %s yuan a month from %s":                             "复核决定：%s，%s：每月 %s 元，自 %s 起",
		"Review decided: %s, %s from %s":                                              "复核决定：%s，%s，自 %s 起",
		"Verification report %s issued: %d discrepancies":                             "出具核对报告 %s：差异 %d 项",
		"The verified values change a benefit's eligibility or amount.":               "核对结果影响待遇资格或金额。",
		"Referred to %s: %s":                                                          "转介至%s：%s",
		", ":                                                                          "、",
		"%s accepted the referral":                                                    "%s已接收转介",
		"%s declined the referral":                                                    "%s拒绝了转介",
		"%s reported the referral's result":                                           "%s已反馈转介结果",
		"%s: a one-off %s yuan (%s)":                                                  "%s：一次性 %s 元（%s）",
		"%s from %s: %s yuan a month":                                                 "%s自 %s 起：每月 %s 元",
		"%s from %s: changed to %s yuan a month":                                      "%s自 %s 起：调整为每月 %s 元",
		"%s suspended from %s (%s yuan a month)":                                      "%s自 %s 起暂停（每月 %s 元）",
		"%s resumed from %s: %s yuan a month":                                         "%s自 %s 起恢复：每月 %s 元",
		"%s ended: its last month was %s":                                             "%s终止：最后月份为 %s",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
	enumValues["timeline_kind"] = strs(store.TimelineKinds)
	for k, v := range map[string][2]string{
		"timeline_kind.warning":      {"预警", "Warning"},
		"timeline_kind.application":  {"申请与决定", "Application"},
		"timeline_kind.verification": {"经济状况核对", "Verification"},
		"timeline_kind.referral":     {"转介", "Referral"},
		"timeline_kind.benefit":      {"救助待遇", "Benefit"},
	} {
		enumLabels[k] = v
	}
}
