package web

// Chinese for the working-day calendar (internal/calendar, /calendar).
// Kept apart from catalog.go so the calendar's strings are found together.
func init() {
	for k, v := range map[string]string{
		"%d has %d working days.": "%d 年共有 %d 个工作日。",
		"1 day":                   "共 1 天",
		"%d days":                 "共 %d 天",
		"%q is not a kind of day: want holiday or workday": "%q 不是有效的类型：应为 holiday（放假）或 workday（调休上班）",
		"%s is given more than once":                       "%s 重复填写",
		"%s is not a Saturday or Sunday: a make-up working day always is, as Monday to Friday are working days anyway": "%s 不是周六或周日：调休上班日只能是周六或周日，周一至周五本来就是工作日",
		"%s is not a day of the calendar":  "%s 不是有效日期",
		"%s is outside the years %d to %d": "%s 不在 %d 年至 %d 年之间",
		"A day already in the calendar is replaced by the one entered; nothing is ever deleted, and every entry is recorded in the audit trail.": "日历中已有的日期以新录入的为准；录入的内容不会删除，每次录入都记入审计日志。",
		"An administrator enters it when it is published.": "通知发布后由系统管理员录入。",
		"Days":     "日期",
		"Days off": "放假日期",
		"Deadlines are counted in working days: Monday to Friday, less the public holidays and the days off moved next to them, plus the weekend days made working days, as the State Council's notice for each year sets them. The day of the event itself is not counted.": "办理时限按工作日计算：周一至周五，扣除法定节假日和调休放假日，加上调休上班的周六、周日，均以国务院办公厅每年的部分节假日安排通知为准。事项发生当日不计入。",
		"Enter a year's notice":                            "录入年度节假日安排",
		"Enter its days below as soon as it is published.": "通知发布后请尽快在下方录入。",
		"Holiday":              "节日",
		"Holidays of %d":       "%d 年节假日安排",
		"Line %d: %s":          "第 %d 行：%s",
		"Make-up working days": "调休上班日期",
		"Next year":            "下一年",
		"No notice is entered for %d: only Saturdays and Sundays are shown as days off, and deadlines in %d are provisional.": "尚未录入 %d 年的节假日安排通知：本页只按周六、周日标示休息日，%d 年内的办理时限为暂定。",
		"Nothing was saved. Please correct the marked lines.":                                                                 "未保存。请更正标出的行。",
		"Notice": "依据通知",
		"One day a line: the date, holiday or workday, and the holiday's name, such as 2027-02-06,holiday,春节 or 2027-02-20,workday,春节. List every day off of each holiday, weekend days included, and every make-up working day. A line may end with a source of its own.": "每行一天：日期、类型（holiday 放假或 workday 上班，也可写“休”“班”）、节日名称，如 2027-02-06,holiday,春节 或 2027-02-20,workday,春节。请列出每个假期的全部放假日（含周末）和全部调休上班日。行末可另注该日的依据。",
		"Previous year":      "上一年",
		"Saturday or Sunday": "周六、周日",
		"Save days":          "保存",
		"The State Council's notice of holidays for %d has not been entered yet: deadlines that reach into %d count only Saturdays and Sundays as days off and are marked provisional.": "尚未录入国务院办公厅关于%d年部分节假日安排的通知：跨入 %d 年的办理时限暂只按周六、周日休息计算，并标为“暂定”。",
		"The State Council's notice of holidays for %d has not been entered: deadlines this year count only Saturdays and Sundays as days off and are marked provisional.":              "尚未录入国务院办公厅关于%d年部分节假日安排的通知：今年的办理时限暂只按周六、周日休息计算，并标为“暂定”。",
		"The days were saved. Every deadline counts with them from now on.":              "已保存。此后所有办理时限都按此计算。",
		"The notice's title and number, such as 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）.": "通知的标题和文号，如：国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）。",
		"Working-day calendar":               "工作日历",
		"Working-day calendar %d":            "%d 年工作日历",
		"Years":                              "年份",
		"a name has at most %d characters":   "名称最多 %d 个字",
		"a source has at most %d characters": "依据最多 %d 个字",
		"at most %d days at a time":          "每次最多录入 %d 天",
		"day off":                            "放假",
		"give a year from %d to %d":          "请填写 %d 至 %d 之间的年份",
		"give at least one day":              "请至少录入一天",
		"give the date":                      "请填写日期",
		"give the holiday's name as the notice writes it, such as 春节":                  "请按通知写法填写节日名称，如“春节”",
		"give the notice the day comes from":                                           "请填写该日期所依据的通知",
		"give the notice the days come from, for every day that names none of its own": "请填写依据的通知（未单独注明依据的日期都以此为准）",
		"make-up working day": "调休上班",
		"off":                 "休",
		"work":                "班",
		"write the date, holiday or workday, and the name, separated by commas": "请依次填写日期、类型（放假或上班）和节日名称，用逗号分隔",
	} {
		if _, ok := zh[k]; !ok {
			zh[k] = v
		}
	}
}
