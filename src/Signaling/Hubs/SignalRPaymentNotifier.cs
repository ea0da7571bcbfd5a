using Doctolib.Telehealth.Billing;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Pushes billing's payment notices (declined card, 3-D Secure to complete, captured) to the patient's own
/// connections, with its message and the client secret when there is one, and to the practitioner's as a bare status
/// (the message is written to the patient). Guests and anyone
/// else in the room group hear nothing: a client secret lets its holder confirm the payment.</summary>
internal sealed class SignalRPaymentNotifier(IHubContext<ConsultationHub, IConsultationClient> hub) : IPaymentNotifier
{
    public async Task NotifyAsync(PaymentNotice notice, CancellationToken cancellationToken)
    {
        var appointmentId = notice.AppointmentId.Value;
        await hub.Clients.User(notice.PatientId.Value)
            .PaymentStatusChanged(appointmentId, notice.Status, notice.Message, notice.ClientSecret);
        await hub.Clients.User(notice.PractitionerId.Value)
            .PaymentStatusChanged(appointmentId, notice.Status, null, null);
    }
}
