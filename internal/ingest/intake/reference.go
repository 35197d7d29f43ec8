package intake

// countryAliases accept the country names forms most often send instead of a code.
var countryAliases = map[string]string{
	"france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH", "luxembourg": "LU",
	"allemagne": "DE", "germany": "DE", "espagne": "ES", "spain": "ES", "italie": "IT", "italy": "IT",
	"royaume-uni": "GB", "united kingdom": "GB", "uk": "GB", "états-unis": "US", "etats-unis": "US",
	"united states": "US", "usa": "US", "canada": "CA", "pays-bas": "NL", "netherlands": "NL", "monaco": "MC",
}

// freeMail are consumer mailbox domains: an address there says nothing about the company (scoring uses it).
var freeMail = map[string]bool{
	"gmail.com": true, "googlemail.com": true, "yahoo.com": true, "yahoo.fr": true, "yahoo.co.uk": true, "ymail.com": true,
	"hotmail.com": true, "hotmail.fr": true, "hotmail.co.uk": true, "outlook.com": true, "outlook.fr": true, "live.com": true,
	"live.fr": true, "msn.com": true, "icloud.com": true, "me.com": true, "mac.com": true, "aol.com": true,
	"aol.fr": true, "proton.me": true, "protonmail.com": true, "pm.me": true, "gmx.com": true, "gmx.fr": true,
	"gmx.de": true, "gmx.net": true, "web.de": true, "orange.fr": true, "wanadoo.fr": true, "free.fr": true,
	"sfr.fr": true, "neuf.fr": true, "laposte.net": true, "bbox.fr": true, "numericable.fr": true, "club-internet.fr": true,
	"yandex.com": true, "yandex.ru": true, "mail.ru": true, "zoho.com": true, "tutanota.com": true, "hey.com": true,
	"qq.com": true, "163.com": true, "libero.it": true, "skynet.be": true, "telenet.be": true, "bluewin.ch": true,
}
