package tabular

import (
	"strings"
	"unicode"
)

// Field is one template column.
type Field int

// The template columns, in template order.
const (
	EndToEndID Field = iota
	Amount
	Currency
	CreditorName
	CreditorIBAN
	CreditorBIC
	RemittanceInfo
	InstructionID
	RequestedExecutionDate
	Purpose
	DebtorAccount
	Provider
	ExternalUserID
	numFields
)

// TemplateColumns are the column names of the input template, in order.
// `paybatch template` writes exactly these.
var TemplateColumns = []string{
	"end_to_end_id", "amount", "currency", "creditor_name", "creditor_iban",
	"creditor_bic", "remittance_info", "instruction_id", "requested_execution_date",
	"purpose", "debtor_account", "provider", "external_user_id",
}

// Name is the template column name of f, also used as the Issue field.
func (f Field) Name() string {
	if f < 0 || f >= numFields {
		return ""
	}
	return TemplateColumns[f]
}

// aliases are the other names people give the template columns: English,
// German and French bank and ERP exports, and the generator projects in the
// corpus (pain001py: payment_amount, creditor_account_IBAN, ...). They are
// compared after key() folding, so case, spaces, underscores, hyphens and
// accents do not matter.
var aliases = map[Field][]string{
	EndToEndID: {"e2e", "e2e id", "end to end", "end to end reference", "endtoendid",
		"payment id", "ende zu ende referenz", "end to end referenz", "kundenreferenz",
		"référence de bout en bout", "identifiant de bout en bout", "id de bout en bout"},
	Amount: {"betrag", "montant", "payment amount", "instructed amount", "summe",
		"auszahlungsbetrag", "nettobetrag", "netto", "value", "somme"},
	Currency: {"währung", "devise", "ccy", "monnaie", "currency code"},
	CreditorName: {"name", "empfänger", "empfängername", "name des empfängers", "zahlungsempfänger",
		"begünstigter", "beneficiary", "beneficiary name", "payee", "payee name", "recipient",
		"recipient name", "creditor", "bénéficiaire", "nom", "nom du bénéficiaire",
		"mitarbeiter", "employee", "employé", "salarié",
		"supplier", "vendor", "lieferant", "fournisseur"},
	CreditorIBAN: {"iban", "empfänger iban", "iban empfänger", "iban des empfängers",
		"beneficiary iban", "payee iban", "recipient iban", "creditor account iban",
		"creditor account", "iban du bénéficiaire", "iban bénéficiaire", "compte bénéficiaire"},
	CreditorBIC: {"bic", "swift", "swift code", "swift bic", "bic swift", "bic code",
		"empfänger bic", "bic empfänger", "beneficiary bic", "bic du bénéficiaire",
		"creditor agent bic", "creditor agent"},
	RemittanceInfo: {"remittance", "remittance information", "verwendungszweck", "zweck",
		"libellé", "motif", "référence", "reference", "payment reference", "description",
		"memo", "betreff", "communication",
		"invoice", "invoice number", "rechnung", "rechnungsnummer", "facture", "numéro de facture"},
	InstructionID: {"instr id", "instrid", "instruction reference", "auftragsreferenz"},
	RequestedExecutionDate: {"execution date", "requested execution date", "ausführungsdatum",
		"ausführungstermin", "date d'exécution", "date d'execution", "date", "datum",
		"payment date", "value date", "zahlungsdatum", "date de paiement", "reqd exctn dt",
		"due date", "fälligkeit", "fällig am", "échéance"},
	Purpose: {"purpose code", "purp", "code motif"},
	DebtorAccount: {"debtor iban", "debtor account iban", "from account", "auftraggeber iban",
		"auftraggeberkonto", "compte débiteur", "compte à débiter"},
	Provider:       {"anbieter", "prestataire", "payout provider"},
	ExternalUserID: {"user id", "external user", "externe benutzer id"},
}

// columnIndex maps a folded column name to its field and whether it is the
// template's own name (which wins over an alias for the same field).
var columnIndex = func() map[string]columnRef {
	m := make(map[string]columnRef)
	for f, names := range aliases {
		for _, n := range names {
			m[key(n)] = columnRef{field: f}
		}
	}
	for i, n := range TemplateColumns {
		m[key(n)] = columnRef{field: Field(i), canonical: true}
	}
	return m
}()

type columnRef struct {
	field     Field
	canonical bool
}

// lookupColumn returns the field a header cell names.
func lookupColumn(name string) (columnRef, bool) {
	k := key(name)
	if k == "" {
		return columnRef{}, false
	}
	ref, ok := columnIndex[k]
	return ref, ok
}

// accentFold maps the accented letters of German and French headers to
// plain ones, so "Währung" and "Wahrung", "Libellé" and "Libelle" match.
var accentFold = strings.NewReplacer(
	"ä", "a", "ö", "o", "ü", "u", "ß", "ss",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "à", "a", "â", "a",
	"ç", "c", "î", "i", "ï", "i", "ô", "o", "û", "u", "ù", "u",
)

// key folds a header cell to its comparison form: lower case, accents
// folded, a trailing "(EUR)"-style note dropped, and everything that is not
// a letter or digit removed.
func key(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(s, '('); i > 0 {
		s = s[:i]
	}
	s = accentFold.Replace(s)
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parenthesised returns the text inside a header's trailing parentheses,
// e.g. "EUR" for "Amount (EUR)".
func parenthesised(s string) string {
	i := strings.IndexByte(s, '(')
	j := strings.LastIndexByte(s, ')')
	if i < 0 || j < i {
		return ""
	}
	return strings.TrimSpace(s[i+1 : j])
}
