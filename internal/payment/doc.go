// Package payment is the payment of benefits (待遇发放, issue 7): monthly
// payrolls per county and program, their lines, corrections carried into
// the next payroll as adjustments, and maker-checker approval. Bank files,
// returns, price-linked subsidies and fund estimates build on these types
// in later steps.
//
// A payroll (发放花名册) is generated from the enrollments (package
// casework) covering its month: an active enrollment is paid its decided
// amount, which stays until the next review (DB57, policy reference §1.7
// and §1.9), or, where the county sets payment.recompute_monthly, the rules
// engine's amount on the month's household snapshot; a suspended one is
// not paid and is counted; months from the enrollment's start not yet paid
// in any payroll are paid as back pay (补发); pending adjustments of the
// county and program are added with their reasons. Every line explains its
// amount.
//
// Generation is a job (DESIGN.md §8): keyset chunks of households, each
// chunk's lines stored in one transaction with the payroll's keyset and
// heartbeat, so a killed run resumes where it stopped. There is one payroll
// per county, program, month and kind (a unique index, and the job's
// begin); a month of a household is paid at most once under a program (a
// unique index on the regular and back-pay lines). A re-run of a prepared
// payroll regenerates it and returns the Diff against its previous lines;
// a re-run of an approved payroll changes nothing and returns what would
// differ now: corrections go into the next month as adjustments.
//
// Maker-checker: the user who prepared a payroll may not approve it; once
// approved it is locked.
//
// This package holds no SQL and no HTTP: internal/store implements Store.
package payment
