package web

// Chinese for the monitoring dashboard (/monitor/dashboard, its CSV tables
// and GET /api/v1/monitor/stats).
func init() {
	for k, v := range map[string]string{
		"Raised from":  "预警日期自",
		"Raised until": "预警日期至",
		"Warnings raised in the period about households in the region: where they stand today, how many were closed by their due day (the on-time rate: closed on time out of closed), how many are open past it; and what became of the referrals sent in the period.": "所选期间内对本区域家庭发出的预警：目前的处置状态、在处置期限内办结的数量（按时办结率＝按时办结数÷已办结数）、超过期限仍未办结的数量；以及期间内发出的转介的办理结果。",
		"By status":                   "按状态",
		"Warning status":              "预警状态",
		"On-time rate":                "按时办结率",
		"On-time rate (%)":            "按时办结率（%）",
		"Share":                       "占比",
		"By region":                   "按区划",
		"By rule":                     "按规则",
		"To visit / visited / closed": "待核实／已核实待处置／已办结",
		"To visit":                    "待核实",
		"Visited, to settle":          "已核实待处置",
		"Closed":                      "已办结",
		"Closed on time":              "按时办结",
		"A region's name shows its own divisions.": "点击区划名称可查看其下级区划。",
		"No division of this region is known.":     "该区划没有已知的下级区划。",
		"Download CSV":                             "下载 CSV",
		"No warning was raised in this period.":    "所选期间内没有发出预警。",
		"Referral outcomes":                        "转介办理结果",
		"Referrals sent":                           "已转介",
		"Awaiting an answer":                       "待接收",
		"Accepted":                                 "办理中",
		"Declined":                                 "已拒绝",
		"Done":                                     "已办结",
		"No referral was sent in this period.":     "所选期间内没有发出转介。",
		"warnings by region":                       "预警按区划统计",
		"warnings by rule":                         "预警按规则统计",
		"referral outcomes":                        "转介办理结果",
		"Rule code":                                "规则代码",
		"Referrals sent in the period, by what has become of them today; overdue: still waiting for the partner's answer or result past its deadline.": "所选期间内发出的转介，按目前的办理情况统计；逾期：超过期限仍未接收或未反馈结果。",
		"%q is not a region code: use the 2 to 12 digits of a division":                                                                                "%q 不是区划代码：请用 2 至 12 位的行政区划代码",
		"region %s lies outside your jurisdiction %s":                                                                                                  "区划 %s 不在您的管辖范围 %s 内",
		"%q is not a table of the dashboard: use regions, rules or referrals":                                                                          "%q 不是统计表：请用 regions、rules 或 referrals",
		"your role does not read referrals":                                                                                                            "您的角色无权查看转介",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}
