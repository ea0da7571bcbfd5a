using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Hosts <see cref="BillingWorker"/> loops; an idle loop sleeps for the poll interval.</summary>
internal sealed class BillingWorkerService(
    BillingWorker worker, BillingOptions options, TimeProvider time, ILogger<BillingWorkerService> logger) : BackgroundService
{
    public int Concurrency { get; init; } = 2;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var loops = new Task[Math.Max(1, Concurrency)];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = LoopAsync(stoppingToken);
        }
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
                    await Task.Delay(options.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
