using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Billing;

/// <summary>The default notifier: logs the appointment id and status only (never the client secret).</summary>
internal sealed class LoggingPaymentNotifier(ILogger<LoggingPaymentNotifier> logger) : IPaymentNotifier
{
    public Task NotifyAsync(PaymentNotice notice, CancellationToken cancellationToken)
    {
        BillingLog.PaymentNotice(logger, notice.AppointmentId.Value, notice.Status);
        return Task.CompletedTask;
    }
}
