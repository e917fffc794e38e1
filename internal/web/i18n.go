package web

import (
	"fmt"
	"net/http"

	"safetynet/internal/apperr"
)

// lang is a user's language. The source strings in code and templates are
// English; zh maps each to Chinese, the default language of the UI.
type lang string

const (
	langZH lang = "zh"
	langEN lang = "en"
)

// langCookie remembers the language chosen with /lang/{lang}.
const langCookie = "sn_lang"

// langOf returns the request's language: ?lang=, then the cookie, then
// Chinese.
func langOf(r *http.Request) lang {
	if r == nil {
		return langZH
	}
	if v := r.URL.Query().Get("lang"); v == "en" || v == "zh" {
		return lang(v)
	}
	if c, err := r.Cookie(langCookie); err == nil && c.Value == "en" {
		return langEN
	}
	return langZH
}

// T translates an English source string (a format if args are given).
func (l lang) T(s string, args ...any) string {
	if l == langZH {
		if z, ok := zh[s]; ok {
			s = z
		}
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// errMsg renders an application error's message in l.
func (l lang) errMsg(e *apperr.Error) string {
	if l != langZH {
		return e.Message
	}
	return e.Localize(func(format string) string {
		if z, ok := zh[format]; ok {
			return z
		}
		return format
	})
}

// enumLabel returns the label of an enumeration value, e.g.
// enumLabel("relationship", "head") is "户主" in Chinese.
func (l lang) enumLabel(kind, code string) string {
	if code == "" {
		return ""
	}
	pair, ok := enumLabels[kind+"."+code]
	if !ok {
		return code
	}
	if l == langZH {
		return pair[0]
	}
	return pair[1]
}

func (s *Server) switchLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if l != "en" && l != "zh" {
		l = "zh"
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies})
	next := r.URL.Query().Get("next")
	if next == "" || next[0] != '/' || len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
