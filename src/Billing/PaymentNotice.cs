using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Billing;

/// <summary>What the patient and practitioner of an appointment are told about its payment. <paramref name="Status"/>
/// is one of declined, requires_action, authorized, captured, released, failed; <paramref name="ClientSecret"/> is set
/// when the patient must complete 3-D Secure in the browser (Stripe.js handleNextAction). The client secret lets its
/// holder confirm the payment, so it is for <paramref name="PatientId"/>'s own connections only; the practitioner is told
/// the status without it, and nobody else in the room is told anything.</summary>
public sealed record PaymentNotice(
    AppointmentId AppointmentId,
    PersonId PatientId,
    PersonId PractitionerId,
    string Status,
    string? Message,
    string? ClientSecret);

/// <summary>Delivers payment notices to the people of an appointment (the host pushes them to the room).</summary>
public interface IPaymentNotifier
{
    Task NotifyAsync(PaymentNotice notice, CancellationToken cancellationToken);
}
