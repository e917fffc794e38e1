package monitor

// Category is a group of the monitored low-income population (policy
// reference §7): the six the national platform counts, and the two more
// Zhejiang monitors (people who exited assistance, rejected applicants).
type Category string

const (
	CatDibao        Category = "dibao"         // 低保对象
	CatTekun        Category = "tekun"         // 特困人员
	CatMarginal     Category = "marginal"      // 低保边缘家庭成员
	CatRigidExpense Category = "rigid_expense" // 刚性支出困难家庭成员
	CatRelapseRisk  Category = "relapse_risk"  // 防止返贫监测对象
	CatOther        Category = "other"         // 其他困难人员
	CatExited       Category = "exited"        // 近期退出救助的人员（窗口见 monitor.exited.months）
	CatRejected     Category = "rejected"      // 近期申请未获批准的人员（窗口见 monitor.rejected.months）
)

// Categories lists every Category, in the order lists show them.
var Categories = []Category{CatDibao, CatTekun, CatMarginal, CatRigidExpense, CatRelapseRisk, CatOther, CatExited, CatRejected}
