package casework

// State is where an application stands.
type State string

const (
	Submitted       State = "submitted"       // 待受理: filed, waiting for the township to accept it
	Incomplete      State = "incomplete"      // 待补正: the applicant was told once every missing item
	Investigating   State = "investigating"   // 调查核实: accepted; home visit, verification
	TownshipReview  State = "township_review" // 乡镇审核: the township forms its opinion
	Notice          State = "notice"          // 公示中
	ObjectionReview State = "objection"       // 异议处理: re-investigation after an objection
	Federation      State = "federation"      // 残联审核 (disability subsidies)
	CountyReview    State = "county_review"   // 县级确认 (or the township, where delegated)
	Approved        State = "approved"        // 已批准
	Rejected        State = "rejected"        // 不予批准
	Withdrawn       State = "withdrawn"       // 已撤回
)

// States lists every state in workflow order.
var States = []State{Submitted, Incomplete, Investigating, TownshipReview, Notice, ObjectionReview, Federation, CountyReview, Approved, Rejected, Withdrawn}

// Final reports whether no action but recording the delivery of a
// rejection notice can follow.
func (s State) Final() bool { return s == Approved || s == Rejected || s == Withdrawn }

// Action is something a person does to an application.
type Action string

const (
	Accept              Action = "accept"               // 受理
	RequestMaterials    Action = "request_materials"    // 一次性告知补正材料
	Resubmit            Action = "resubmit"             // 补正后重新提交
	AddMaterials        Action = "add_materials"        // 补充材料
	RequestCheck        Action = "request_verification" // 提请家庭经济状况核对
	RecordVisit         Action = "record_visit"         // 入户调查（含县级入户）
	RecordAppraisal     Action = "record_appraisal"     // 民主评议
	FinishInvestigation Action = "finish_investigation" // 调查完毕，提交乡镇审核
	Propose             Action = "propose"              // 乡镇审核意见
	Object              Action = "object"               // 公示期异议
	EndNotice           Action = "end_notice"           // 公示期满无异议
	FederationOpinion   Action = "federation_opinion"   // 残联审核意见
	Confirm             Action = "confirm"              // 确认（批准）
	Reject              Action = "reject"               // 不予确认
	DeliverRejection    Action = "deliver_rejection"    // 送达不予批准告知书
	Extend              Action = "extend"               // 特殊情况延长时限
	PayFirst            Action = "assist_first"         // 先行救助
	Withdraw            Action = "withdraw"             // 撤回申请
)

// Actions lists every action in workflow order.
var Actions = []Action{Accept, RequestMaterials, Resubmit, AddMaterials, RequestCheck, RecordVisit, RecordAppraisal, FinishInvestigation,
	Propose, Object, EndNotice, FederationOpinion, Confirm, Reject, DeliverRejection, Extend, PayFirst, Withdraw}

// from lists the states each action may be taken in. Apply checks the
// finer conditions (a notice that has run its days, a mandatory county
// visit, a program's own steps).
var from = map[Action][]State{
	Accept:              {Submitted},
	RequestMaterials:    {Submitted},
	Resubmit:            {Incomplete},
	AddMaterials:        {Submitted, Incomplete, Investigating, TownshipReview, Notice, ObjectionReview, Federation, CountyReview},
	RequestCheck:        {Investigating, ObjectionReview},
	RecordVisit:         {Investigating, ObjectionReview, TownshipReview, Federation, CountyReview},
	RecordAppraisal:     {Investigating, ObjectionReview},
	FinishInvestigation: {Investigating, ObjectionReview},
	Propose:             {TownshipReview},
	Object:              {Notice},
	EndNotice:           {Notice},
	FederationOpinion:   {Federation},
	Confirm:             {CountyReview},
	Reject:              {CountyReview},
	DeliverRejection:    {Rejected},
	Extend:              {Investigating, TownshipReview, Notice, ObjectionReview, Federation, CountyReview},
	PayFirst:            {Submitted, Investigating},
	Withdraw:            {Submitted, Incomplete, Investigating, TownshipReview, Notice, ObjectionReview, Federation, CountyReview},
}
