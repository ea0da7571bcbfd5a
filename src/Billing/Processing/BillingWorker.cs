using Doctolib.Telehealth.Rooms;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>One pass of billing's background work: consume the Rooms outbox, then run due payment attempts.
/// Any number of workers (threads or server instances) may run at once.</summary>
internal sealed class BillingWorker(IConsultationOutbox? outbox, ConsultationEventHandler handler, AttemptExecutor executor)
{
    /// <summary>Works until nothing is left to do now; returns how many items it handled.</summary>
    public async Task<int> RunUntilIdleAsync(CancellationToken cancellationToken)
    {
        var handled = 0;
        while (true)
        {
            var progressed = false;
            if (outbox is not null && await outbox.ProcessNextAsync(handler.HandleAsync, cancellationToken))
            {
                progressed = true;
                handled++;
            }
            if (await executor.ExecuteNextAsync(cancellationToken))
            {
                progressed = true;
                handled++;
            }
            if (!progressed)
            {
                return handled;
            }
        }
    }
}
