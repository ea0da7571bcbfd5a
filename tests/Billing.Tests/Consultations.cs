using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>Builds the Rooms events a consultation produces.</summary>
internal sealed record Consultation(AppointmentId Id, PersonId Patient, PersonId Practitioner, Money Price, Payer Payer)
{
    public static Consultation Card(string paymentMethod = "pm_card_visa", long amount = 2500, string currency = "EUR") =>
        new(new AppointmentId(Guid.NewGuid()), new PersonId($"patient-{Guid.NewGuid():N}"), new PersonId("practitioner-1"),
            new Money(amount, currency), new CardPayer("cus_test", paymentMethod));

    public static Consultation ThirdParty(long amount = 2500) =>
        new(new AppointmentId(Guid.NewGuid()), new PersonId($"patient-{Guid.NewGuid():N}"), new PersonId("practitioner-1"),
            new Money(amount, "EUR"), new ThirdPartyPayer("CPAM-75"));

    public PatientAdmitted Admitted(DateTimeOffset at) => new(Id, at, Patient, Practitioner, Price, Payer);

    public ConsultationEnded Ended(DateTimeOffset at, TimeSpan liveMedia, bool markedBillable = true, string? unbillableReason = null) =>
        new(Id, at, Patient, Practitioner, Price, Payer, at - liveMedia, EndReason.EndedByPractitioner, markedBillable, unbillableReason, liveMedia);
}
