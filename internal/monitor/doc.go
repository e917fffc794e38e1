// Package monitor is the dynamic monitoring and early warning of the
// low-income population (低收入人口动态监测预警, policy reference §7):
// who is monitored, the risk rules that raise warnings about them, and
// (in later steps) the runs that evaluate the rules and the warnings'
// handling.
//
// Risk rules are expressions in expr (github.com/expr-lang/expr, DESIGN.md
// §12) over a Subject: one person's facts and their household's, built
// from the registry, the departments' data (package verify) and the
// enrollments. Expressions are type-checked against Subject when a rule is
// saved, so a misspelt field or a comparison of a number with a word is
// refused with its line and column, and a rule runs in tens of
// nanoseconds on millions of persons.
package monitor
