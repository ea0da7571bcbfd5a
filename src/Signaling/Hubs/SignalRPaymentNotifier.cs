using Doctolib.Telehealth.Billing;
using Microsoft.AspNetCore.SignalR;

namespace Doctolib.Telehealth.Signaling.Hubs;

/// <summary>Pushes billing's payment notices (declined card, 3-D Secure to complete, captured) to the appointment's room.</summary>
internal sealed class SignalRPaymentNotifier(IHubContext<ConsultationHub, IConsultationClient> hub) : IPaymentNotifier
{
    public Task NotifyAsync(PaymentNotice notice, CancellationToken cancellationToken) =>
        hub.Clients.Group(ConsultationHub.Group(notice.AppointmentId))
            .PaymentStatusChanged(notice.AppointmentId.Value, notice.Status, notice.Message, notice.ClientSecret);
}
