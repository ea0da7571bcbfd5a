using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Hosts <see cref="BillingWorker"/> loops. An idle loop sleeps until it is notified of new work; the first loop
/// also wakes when the next scheduled retry is due, or after the safety poll interval, whichever comes first. One
/// loop keeps time for all, so at rest the instance runs one safety poll per interval, not one per loop.</summary>
internal sealed class BillingWorkerService(
    BillingWorker worker, AttemptExecutor executor, WorkSignal signal, BillingOptions options, TimeProvider time,
    ILogger<BillingWorkerService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.WorkerEnabled)
        {
            return Task.CompletedTask;
        }
        var count = options.Worker.Concurrency;
        var loops = new Task[count + 1];
        for (var i = 0; i < count; i++)
        {
            loops[i] = LoopAsync(keepsTime: i == 0, stoppingToken);
        }
        loops[count] = signal.ListenAsync(count, stoppingToken);
        return Task.WhenAll(loops);
    }

    /// <summary>A retry that is already due but could not be claimed is being run by another worker: look again
    /// shortly rather than spin.</summary>
    private static TimeSpan Clamp(TimeSpan untilDue, TimeSpan poll) =>
        untilDue < MinimumWait ? MinimumWait : untilDue > poll ? poll : untilDue;

    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(500);

    /// <param name="keepsTime">Whether this loop runs the safety poll and wakes for due retries; the others wake on a
    /// notification only.</param>
    private async Task LoopAsync(bool keepsTime, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            var wait = keepsTime ? options.PollInterval : Timeout.InfiniteTimeSpan;
            try
            {
                handled = await worker.RunUntilIdleAsync(stoppingToken);
                if (keepsTime && handled == 0 && await executor.NextDueAtAsync(stoppingToken) is { } due)
                {
                    wait = Clamp(due - time.GetUtcNow(), options.PollInterval);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                BillingLog.WorkerFailed(logger, e);
            }
            if (handled == 0)
            {
                try
                {
                    await signal.WaitAsync(wait, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
