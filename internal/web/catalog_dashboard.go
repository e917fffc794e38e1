package web

// Chinese for the handling-time dashboard (/dashboard, GET
// /api/v1/stats/handling). Kept apart from catalog.go so the dashboard's
// strings are found together.
func init() {
	for k, v := range map[string]string{
		"Handling times": "办理统计",
		"Applications decided in the period (reviews of enrollments are not counted): the average handling time in working days from acceptance to decision, and the share decided on or before the overall limit. Open applications past their limit are counted as of today.": "统计所选期间内办结的申请（不含复核）：从受理到作出决定的平均办理时长（按工作日计算），以及在总办理时限内（含到期当日）办结的比例。超过时限仍未办结的申请按今日统计。",
		"Decided from":          "办结日期自",
		"Decided until":         "办结日期至",
		"Back to %s":            "返回%s",
		"By program":            "按救助项目",
		"By region and program": "按区划和救助项目",
		"Decided applications":  "办结件数",
		"Average working days":  "平均办理工作日",
		"On time":               "按时办结率",
		"Open and overdue":      "超期未办结",
		"No application was decided in this period.":                                                               "所选期间内没有办结的申请。",
		"The colours are display thresholds, not policy: red below %d%%, amber below %d%%.":                        "颜色仅为便于查看的分档，不是政策标准：低于 %d%% 显示红色，低于 %d%% 显示黄色。",
		"Applications without an overall limit are left out of the on-time share; where none has one, it shows —.": "没有总办理时限的申请不计入按时办结率；均无时限时显示“—”。",
		"the period's first day %s is after its last day %s":                                                       "起始日期 %s 晚于截止日期 %s",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}
