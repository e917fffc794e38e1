package importfile

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/apperr"
	"safetynet/internal/civil"
	"safetynet/internal/idcard"
	"safetynet/internal/registry"
)

// Column positions, looked up once so that reading a row indexes slices
// instead of maps.
var (
	pRef         = pos(persons, "household_ref")
	pRel         = pos(persons, "relationship")
	pName        = pos(persons, "name")
	pID          = pos(persons, "id_number")
	pPhone       = pos(persons, "phone")
	pHukouRegion = pos(persons, "hukou_region")
	pSchool      = pos(persons, "school_status")
	pEmployment  = pos(persons, "employment_status")
	pLabour      = pos(persons, "labour_capacity")
	pDisCat      = pos(persons, "disability_category")
	pDisGrade    = pos(persons, "disability_grade")
	pIllness     = pos(persons, "serious_illness")
	pSelfCare    = pos(persons, "self_care")
	pDeath       = pos(persons, "death_date")
	pJoined      = pos(persons, "joined_on")
	pRegion      = pos(persons, "region_code")
	pAddress     = pos(persons, "address")
	pHukouType   = pos(persons, "hukou_type")
	pResRegion   = pos(persons, "residence_region")
	pResAddress  = pos(persons, "residence_address")
	pBankName    = pos(persons, "bank_name")
	pBankAccount = pos(persons, "bank_account")
	pBankHolder  = pos(persons, "bank_holder")
	iRef         = pos(incomes, "household_ref")
	iID          = pos(incomes, "id_number")
	iType        = pos(incomes, "type")
	iMonth       = pos(incomes, "month")
	iAmount      = pos(incomes, "amount")
	iCost        = pos(incomes, "employment_cost")
	iNote        = pos(incomes, "note")
	aRef         = pos(assets, "household_ref")
	aID          = pos(assets, "id_number")
	aType        = pos(assets, "type")
	aDesc        = pos(assets, "description")
	aValue       = pos(assets, "value")
	aArea        = pos(assets, "area")
	aFrom        = pos(assets, "valid_from")
)

func pos(k kind, code string) int {
	if i := colOf(k, code); i >= 0 {
		return i
	}
	panic("importfile: no column " + code)
}

// household collects the rows of one household_ref.
type household struct {
	ref string
	h   registry.Household
	// The members and their persons rows are a run of one of the
	// builder's blocks (blk, start, n) while the household's rows are
	// contiguous, as they are in nearly every file; a household whose rows
	// are scattered, or a very large one, gets its own slices.
	blk, start, n int
	own           []registry.Member
	ownRows       []int
	heads         int // how many rows say head
	headRow       int // the first of them
	incomes       []registry.Income
	assets        []registry.Asset
	incRows       []int
	assetRows     []int
	bad           bool
}

// memberPos locates a member: household index and member index.
type memberPos struct{ hh, idx int32 }

// incomeKey identifies an income record; two rows with one key would
// silently supersede each other in the store.
type incomeKey struct {
	hh     int32
	person int64
	typ    registry.IncomeType
	month  civil.Month
}

type builder struct {
	// mblocks and rblocks hold the members (and their rows) of contiguous
	// households end to end, fill entries of the last block used: a
	// million rows cost a few hundred allocations instead of a million
	// growing slices. Blocks are fixed in size, because copying one huge
	// slice of pointer-rich structs as it grows is slower still.
	mblocks [][]registry.Member
	rblocks [][]int
	fill    int
	// hblock is where new households are carved from, for the same reason.
	hblock []household

	opt     Options
	today   civil.Date
	failed  bool // a table could not be read: nothing is returned
	label   [3]string
	rd      [3]*reader
	errs    []rowErr
	marked  map[cellKey]bool // cells (and rows, col -1) already reported
	hh      []*household
	byRef   map[string]int32
	byID    map[string]memberPos
	incSeen map[incomeKey]int
}

func newBuilder(opt Options) *builder {
	today := opt.Today
	if today.IsZero() {
		today = civil.Today()
	}
	return &builder{
		opt: opt, today: today,
		marked:  map[cellKey]bool{},
		byRef:   map[string]int32{},
		byID:    map[string]memberPos{},
		incSeen: map[incomeKey]int{},
	}
}

// maxRefLen bounds household_ref: it is a key people type, not a text.
const maxRefLen = 64

// person reads one persons row into its household.
func (b *builder) person(r *row) {
	ref := r.required(pRef)
	if utf8.RuneCountInString(ref) > maxRefLen {
		r.fail(pRef, "the household reference is longer than %d characters", maxRefLen)
		ref = ""
	}
	var m registry.Member
	rel := r.required(pRel)
	if rel != "" {
		rel = r.enum(pRel, relationshipEnum, false)
	}
	m.Relationship = registry.Relationship(rel)
	p := &m.Person
	p.Name = r.text(pName, 0) // length is the registry's rule
	if p.Name == "" && !r.b.marked[cellKey{persons, r.num, pName}] {
		r.required(pName)
	}
	id := r.digits(pID)
	if id == "" && !r.b.marked[cellKey{persons, r.num, pID}] {
		r.required(pID)
	}
	p.IDNumber = idcard.Normalize(id)
	p.Phone = r.digits(pPhone)
	p.HukouRegion = r.digits(pHukouRegion)
	p.SchoolStatus = registry.SchoolStatus(r.enum(pSchool, schoolEnum, false))
	p.EmploymentStatus = registry.EmploymentStatus(r.enum(pEmployment, employmentEnum, false))
	p.LabourCapacity = registry.LabourCapacity(r.enum(pLabour, labourEnum, false))
	p.DisabilityCategory = registry.DisabilityCategory(r.enum(pDisCat, disabilityEnum, true))
	if g := r.enum(pDisGrade, gradeEnum, true); g != "" {
		p.DisabilityGrade = int(g[0] - '0')
	}
	p.SeriousIllness = r.text(pIllness, 0)
	if blanks[enumKey(p.SeriousIllness)] {
		p.SeriousIllness = ""
	}
	p.SelfCare = registry.SelfCareLevel(r.enum(pSelfCare, selfCareEnum, false))
	p.Death = r.date(pDeath)
	m.JoinedOn = r.date(pJoined)
	if !p.Death.IsZero() {
		// A deceased member stays in the file, so the household's past can
		// be recomputed; the membership ends on the day of death.
		m.LeftOn, m.LeaveReason = p.Death, DeathReason
	}
	if ref == "" {
		return // reported; a row without a household cannot be placed
	}

	hi, ok := b.byRef[ref]
	if !ok {
		hi = int32(len(b.hh))
		b.byRef[ref] = hi
		b.hh = append(b.hh, b.newHousehold(ref))
	}
	h := b.hh[hi]
	idx := int32(h.n)
	if m.Relationship == registry.RelHead {
		if h.heads++; h.heads == 1 {
			h.headRow = r.num
			b.householdCells(r, &h.h)
		}
	}
	if p.IDNumber != "" {
		if prev, dup := b.byID[p.IDNumber]; dup {
			ph := b.hh[prev.hh]
			first := b.rows(ph)[prev.idx]
			b.add(persons, first, pID, "the same ID number is in rows %d and %d", first, r.num)
			r.fail(pID, "the same ID number is in rows %d and %d", first, r.num)
			ph.bad = true
		} else {
			b.byID[p.IDNumber] = memberPos{hi, idx}
		}
	}
	b.addMember(h, &m, r.num)
	if r.bad {
		h.bad = true
	}
}

func (b *builder) newHousehold(ref string) *household {
	if len(b.hblock) == 0 {
		b.hblock = make([]household, blockSize)
	}
	h := &b.hblock[0]
	b.hblock = b.hblock[1:]
	h.ref = ref
	return h
}

// blockSize is the number of members (and households) per block.
const blockSize = 4096

// addMember appends a member read from row num to h.
func (b *builder) addMember(h *household, m *registry.Member, num int) {
	last := len(b.mblocks) - 1
	contiguous := h.n == 0 || h.own == nil && h.blk == last && h.start+h.n == b.fill
	if !contiguous || h.own != nil || h.n >= blockSize/8 {
		if h.own == nil {
			h.own, h.ownRows = slices.Clone(b.members(h)), slices.Clone(b.rows(h))
		}
		h.own, h.ownRows = append(h.own, *m), append(h.ownRows, num)
		h.n++
		return
	}
	if last < 0 || b.fill == blockSize {
		b.mblocks = append(b.mblocks, make([]registry.Member, blockSize))
		b.rblocks = append(b.rblocks, make([]int, blockSize))
		b.fill = 0
		if h.n > 0 { // the run continues at the start of the new block
			copy(b.mblocks[last+1], b.mblocks[last][h.start:h.start+h.n])
			copy(b.rblocks[last+1], b.rblocks[last][h.start:h.start+h.n])
			b.fill, h.start = h.n, 0
		}
		last++
		h.blk = last
	}
	if h.n == 0 {
		h.blk, h.start = last, b.fill
	}
	b.mblocks[last][b.fill], b.rblocks[last][b.fill] = *m, num
	b.fill++
	h.n++
}

// members returns h's members, capped so that appending to them never
// writes into the next household's.
func (b *builder) members(h *household) []registry.Member {
	if h.own != nil || h.n == 0 {
		return h.own
	}
	return b.mblocks[h.blk][h.start : h.start+h.n : h.start+h.n]
}

// rows returns the persons row of each of h's members.
func (b *builder) rows(h *household) []int {
	if h.own != nil || h.n == 0 {
		return h.ownRows
	}
	return b.rblocks[h.blk][h.start : h.start+h.n : h.start+h.n]
}

// householdCells reads the household's own columns from its head's row.
func (b *builder) householdCells(r *row, h *registry.Household) {
	h.RegionCode = r.digits(pRegion)
	h.Address = r.text(pAddress, 0)
	h.HukouType = registry.HukouType(r.enum(pHukouType, hukouEnum, false))
	h.ResidenceRegion = r.digits(pResRegion)
	h.ResidenceAddress = r.text(pResAddress, 200)
	h.BankName = r.text(pBankName, 100)
	h.BankAccount = r.digits(pBankAccount)
	h.BankHolder = r.text(pBankHolder, 50)
}

// checkHouseholds runs once every persons row is read: one head per
// household, the registry's own validation, and the dates that need the
// birth date the ID number gives.
func (b *builder) checkHouseholds() {
	scope := registry.Scope{Region: b.opt.Scope}
	for _, h := range b.hh {
		switch h.heads {
		case 0:
			b.add(persons, b.rows(h)[0], pRel, "household %s has no head (户主)", h.ref)
			h.bad = true
		case 1:
		default:
			var heads []int
			var rows []string
			for i, m := range b.members(h) {
				if m.Relationship == registry.RelHead {
					heads = append(heads, b.rows(h)[i])
					rows = append(rows, strconv.Itoa(b.rows(h)[i]))
				}
			}
			for _, n := range heads {
				b.add(persons, n, pRel, "household %s has %d heads (户主), in rows %s", h.ref, h.heads, strings.Join(rows, ", "))
			}
			h.bad = true
		}
		h.h.Members = b.members(h)
		if err := h.h.Validate(scope, b.today); err != nil {
			b.placeValidation(h, err)
		}
		for i := range h.h.Members {
			b.checkDates(h, i)
		}
	}
}

// placeValidation files the registry's errors, whose fields are JSON paths
// ("members[2].person.id_number", "region_code"), at their rows and
// columns.
func (b *builder) placeValidation(h *household, err error) {
	rows := b.rows(h)
	headRow := rows[0]
	if h.heads > 0 {
		headRow = h.headRow
	}
	for _, d := range details(err) {
		f := d.Field
		row, col := headRow, -1
		switch {
		case strings.HasPrefix(f, "members["):
			end := strings.IndexByte(f, ']')
			i, perr := strconv.Atoi(f[len("members["):max(end, len("members["))])
			if perr != nil || i < 0 || i >= len(rows) {
				break
			}
			row = rows[i]
			rest := strings.TrimPrefix(strings.TrimPrefix(f[end+1:], ".person"), ".")
			if rest == "left_on" {
				rest = "death_date" // LeftOn is the death date
			}
			col = colOf(persons, rest)
		case f == "members":
			if h.heads != 1 {
				continue // the head count is already reported, with rows
			}
			col = pRel
		default:
			if h.heads != 1 {
				continue // the household columns are read from the head's row
			}
			col = colOf(persons, f)
		}
		if (col == pID || col == pBankAccount) && b.storedAsNumber(row, col) {
			d = apperr.Fieldf("", "the cell is stored as a number, which keeps only 15 digits: format the %s column as text and enter the values again", tables[persons].Cols[col].Code)
		}
		if b.addErr(persons, row, col, d) {
			h.bad = true
		}
	}
}

// storedAsNumber reports whether a persons cell of a worksheet is a number:
// the explanation of an ID number whose last digits Excel rounded away.
func (b *builder) storedAsNumber(row, col int) bool {
	rd := b.rd[persons]
	return rd != nil && rd.xlsx != nil && rd.col[col] >= 0 && rd.xlsx.number(row, rd.col[col])
}

// checkDates checks the membership dates against the birth date, and
// defaults an empty joined_on to it: a member since birth, or since a day
// nobody recorded, so that the household can be assessed for past months.
func (b *builder) checkDates(h *household, i int) {
	m := &h.h.Members[i]
	birth := m.Person.Birth
	row := b.rows(h)[i]
	switch {
	case birth.IsZero():
	case m.JoinedOn.IsZero():
		m.JoinedOn = birth
	case m.JoinedOn.Before(birth):
		if b.addErr(persons, row, pJoined, apperr.Fieldf("", "the member joined (%s) before being born (%s)", m.JoinedOn, birth)) {
			h.bad = true
		}
	case m.JoinedOn.After(b.today):
		if b.addErr(persons, row, pJoined, apperr.Fieldf("", "the date of joining %s is in the future", m.JoinedOn)) {
			h.bad = true
		}
	}
	if m.Relationship == registry.RelHead && !m.Person.Death.IsZero() && h.heads == 1 {
		if b.addErr(persons, row, pDeath, apperr.Fieldf("", "the head of household has died: record a living member as head (户主)")) {
			h.bad = true
		}
	}
}

// colOf returns the position of a column code, -1 for none.
func colOf(k kind, code string) int {
	for i, c := range tables[k].Cols {
		if c.Code == code {
			return i
		}
	}
	return -1
}

// owner finds the household (and member) an income or asset row belongs to,
// by ID number or household_ref. It returns a negative index when neither
// leads to a household.
func (b *builder) owner(r *row, refCol, idCol int) (hi int32, person int64) {
	ref := r.get(refCol)
	id := idcard.Normalize(r.digits(idCol))
	hi = -1
	if id != "" {
		if p, ok := b.byID[id]; ok {
			hi, person = p.hh, -int64(p.idx)-1
		} else if !b.marked[cellKey{r.rd.t.Kind, r.num, idCol}] {
			r.fail(idCol, "no person with this ID number is in the persons table")
		}
	}
	if ref != "" {
		j, ok := b.byRef[ref]
		switch {
		case !ok:
			r.fail(refCol, "there is no household %s in the persons table", ref)
		case hi >= 0 && j != hi:
			r.fail(idCol, "this person is in household %s, not %s", b.hh[hi].ref, ref)
			hi = -1
		default:
			hi = j
		}
	}
	if id == "" && ref == "" && !b.marked[cellKey{r.rd.t.Kind, r.num, idCol}] {
		r.fail(-1, "household_ref (户编号) or id_number (身份证号) is required")
	}
	return hi, person
}

// income reads one incomes row.
func (b *builder) income(r *row) {
	hi, person := b.owner(r, iRef, iID)
	var in registry.Income
	in.PersonID = person
	if v := r.required(iType); v != "" {
		in.Type = registry.IncomeType(r.enum(iType, incomeEnum, false))
	}
	if r.required(iMonth) != "" {
		in.Month = r.month(iMonth)
	}
	if r.required(iAmount) != "" {
		in.Amount = r.amount(iAmount)
	}
	in.EmploymentCost = r.amount(iCost)
	in.Note = r.text(iNote, 200)
	if !in.Month.IsZero() && in.Month.First().After(b.today) {
		r.fail(iMonth, "the month %s is in the future", in.Month)
	}
	b.placeRecord(r, in.Validate())
	if hi >= 0 && !r.bad {
		k := incomeKey{hi, person, in.Type, in.Month}
		if first, dup := b.incSeen[k]; dup {
			b.add(incomes, first, iMonth, "the same person, type and month are in rows %d and %d", first, r.num)
			r.fail(iMonth, "the same person, type and month are in rows %d and %d", first, r.num)
		} else {
			b.incSeen[k] = r.num
		}
	}
	if hi < 0 {
		return
	}
	h := b.hh[hi]
	h.incRows = append(h.incRows, r.num)
	h.incomes = append(h.incomes, in)
	if r.bad {
		h.bad = true
	}
}

// asset reads one assets row.
func (b *builder) asset(r *row) {
	hi, person := b.owner(r, aRef, aID)
	var a registry.Asset
	a.PersonID = person
	if r.required(aType) != "" {
		a.Type = registry.AssetType(r.enum(aType, assetEnum, false))
	}
	a.Description = r.text(aDesc, 0)
	if r.required(aValue) != "" {
		a.Value = r.amount(aValue)
	}
	a.Area = r.area(aArea)
	if r.required(aFrom) != "" {
		a.ValidFrom = r.date(aFrom)
	}
	if a.ValidFrom.After(b.today) {
		r.fail(aFrom, "the date %s is in the future", a.ValidFrom)
	}
	b.placeRecord(r, a.Validate())
	if hi < 0 {
		return
	}
	h := b.hh[hi]
	h.assetRows = append(h.assetRows, r.num)
	h.assets = append(h.assets, a)
	if r.bad {
		h.bad = true
	}
}

// placeRecord files an income's or asset's own validation errors, whose
// fields are the column codes. A cell already reported (an unreadable
// amount left at zero, an unknown type left empty) is not reported again.
func (b *builder) placeRecord(r *row, err error) {
	k := r.rd.t.Kind
	for _, d := range details(err) {
		if b.addErr(k, r.num, colOf(k, d.Field), d) {
			r.bad = true
		}
	}
}
