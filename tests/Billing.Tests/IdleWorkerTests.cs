using Doctolib.Telehealth.TestInfrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>At rest the hosted worker's loops sleep on the notification; one of them keeps time (the safety poll and
/// due retries) for all, so more loops do not mean more queries. Commands are counted with Npgsql's own tracing.</summary>
public sealed class IdleWorkerTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    [Fact]
    public async Task IdleWorker_WithFourLoops_QueriesNoMoreThanWithOne()
    {
        var one = await CommandsWhileIdleAsync(concurrency: 1);
        var four = await CommandsWhileIdleAsync(concurrency: 4);

        Assert.True(one > 0, "the single loop never ran its safety poll");
        // One poller either way: four loops may only add their first look at start-up, never four polls per interval.
        Assert.InRange(four, 0, (one * 1.5) + 8);
    }

    /// <summary>Starts the hosted worker with <paramref name="concurrency"/> loops and a 100 ms safety poll, lets it
    /// settle for 3 s, then counts the commands it sends to this test's database over 2 s of rest.</summary>
    private async Task<int> CommandsWhileIdleAsync(int concurrency)
    {
        h.Overrides["Billing:Worker:Enabled"] = "true";
        h.Overrides["Billing:Worker:PollIntervalMs"] = "100";
        h.Overrides["Billing:Worker:Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var services = h.Restart();
        var hosted = services.GetServices<IHostedService>().ToList();
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        foreach (var service in hosted)
        {
            await service.StartAsync(cts.Token);
        }
        try
        {
            // The extra loops' one look at start-up must be over before counting; on a loaded 2-core machine a second
            // was not always enough.
            await Task.Delay(TimeSpan.FromSeconds(3));
            using var counter = new NpgsqlCommandCounter(h.DataSource.ConnectionString);
            await Task.Delay(TimeSpan.FromSeconds(2));
            return counter.Commands;
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }
}
