using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Hosts <see cref="BillingWorker"/> loops; an idle loop sleeps for the poll interval.</summary>
internal sealed class BillingWorkerService(
    BillingWorker worker, WorkSignal signal, BillingOptions options, ILogger<BillingWorkerService> logger) : BackgroundService
{
    public int Concurrency { get; init; } = 2;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var count = Math.Max(1, Concurrency);
        var loops = new Task[count + 1];
        for (var i = 0; i < count; i++)
        {
            loops[i] = LoopAsync(stoppingToken);
        }
        loops[count] = signal.ListenAsync(count, stoppingToken);
        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var handled = 0;
            try
            {
                handled = await worker.RunUntilIdleAsync(stoppingToken);
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
                    await signal.WaitAsync(options.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
