/* What the data panels make of the API's values before they show them: dates in the page's
   language, web and phone links, comma-separated code lists. Not in the header's bundle:
   assets.py puts a copy in each panel's chunk, in front of shared/panel.js. */

var dateFormats = {}; // "<lang>" (a moment) or "<lang> day" (a calendar day) -> Intl.DateTimeFormat

/** "12 maart 2024" in `lang`. A plain date (2024-03-12) is that calendar day wherever the
    visitor is; a moment (with a time) is the day it was where the visitor is. Text that is
    no date is shown as sent. */
function formatDate(iso, lang) {
  var text = String(iso || "");
  var day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  var date = day ? new Date(Date.UTC(+day[1], +day[2] - 1, +day[3])) : new Date(text);
  if (!text || isNaN(date.getTime())) return text;
  var key = lang + (day ? " day" : "");
  if (!dateFormats[key]) {
    dateFormats[key] = new Intl.DateTimeFormat(lang + "-BE", { day: "numeric", month: "long",
      year: "numeric", timeZone: day ? "UTC" : undefined });
  }
  return dateFormats[key].format(date);
}

/** Only a web address may become a link from data (no mailto:, tel: or page-relative path). */
function webUrl(url) {
  var safe = safeUrl(url);
  return safe && /^https?:\/\//i.test(safe) ? safe : null;
}

/** A tel: link from a phone number as written ("+32 9 999 12 34"), when it has six digits. */
function telUrl(phone) {
  var digits = String(phone || "").replace(/[^0-9+]/g, "");
  return digits.replace(/\D/g, "").length >= 6 ? safeUrl("tel:" + digits) : null;
}

/** The codes in a comma-separated attribute ("SPRT, JGDW" -> ["SPRT", "JGDW"]). */
function codes(value) {
  return String(value || "").split(",").map(function (code) { return code.trim(); }).filter(Boolean);
}
