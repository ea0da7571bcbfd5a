namespace Doctolib.Telehealth.Billing.Api;

/// <summary>The receipt's words in the patient's language (French or English), with names for the payer and status
/// codes.</summary>
internal sealed record ReceiptText(
    string Lang, string Title, string Brand, string Date, string Practitioner, string Patient, string Amount, string Refunded,
    string Paid, string Payer, string Status, string Reference, string Card, string Insurer, string PrintHint, string Footer,
    IReadOnlyDictionary<string, string> Statuses, IReadOnlyList<string> Months)
{
    public static readonly ReceiptText English = new(
        "en", "Consultation receipt", "Doctolib Teleconsultation", "Date", "Practitioner", "Patient", "Consultation fee", "Refunded",
        "Amount paid", "Paid by", "Payment status", "Reference", "Bank card", "Insurer (third-party payment)",
        "To keep a PDF copy, print this page and choose “Save as PDF”.", "Video consultation receipt. Keep it for your records.",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ChargeStatus.Captured] = "Paid",
            [ChargeStatus.PartiallyRefunded] = "Paid, partly refunded",
            [ChargeStatus.Refunded] = "Refunded",
            [ChargeStatus.ClaimRecorded] = "Claim sent to the insurer",
            [ChargeStatus.RemittanceReceived] = "Paid by the insurer",
        },
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]);

    public static readonly ReceiptText French = new(
        "fr", "Reçu de consultation", "Doctolib Téléconsultation", "Date", "Praticien", "Patient", "Montant de la consultation", "Remboursé",
        "Montant payé", "Payé par", "État du paiement", "Référence", "Carte bancaire", "Assurance (tiers payant)",
        "Pour garder une copie PDF, imprimez cette page et choisissez « Enregistrer au format PDF ».",
        "Reçu de téléconsultation. Conservez-le.",
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ChargeStatus.Captured] = "Payé",
            [ChargeStatus.PartiallyRefunded] = "Payé, remboursé en partie",
            [ChargeStatus.Refunded] = "Remboursé",
            [ChargeStatus.ClaimRecorded] = "Demande transmise à l’assurance",
            [ChargeStatus.RemittanceReceived] = "Payé par l’assurance",
        },
        ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]);

    /// <summary><c>?lang=fr|en</c> first, then the browser's Accept-Language, then English.</summary>
    public static ReceiptText For(string? lang, string? acceptLanguage) =>
        (lang ?? acceptLanguage ?? "").TrimStart().StartsWith("fr", StringComparison.OrdinalIgnoreCase) ? French : English;

    public string StatusName(string status) => Statuses.TryGetValue(status, out var name) ? name : status;
}
