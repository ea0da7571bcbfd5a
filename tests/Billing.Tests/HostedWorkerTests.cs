using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The hosted worker picks work up by itself (woken by NOTIFY at commit, polling as fallback).</summary>
public sealed class HostedWorkerTests : IAsyncLifetime
{
    private BillingHarness h = null!;
    private readonly List<IHostedService> started = [];

    public async Task InitializeAsync()
    {
        h = await BillingHarness.StartAsync();
        h.Overrides["Billing:Worker:Enabled"] = "true";
        h.Overrides["Billing:Worker:PollIntervalMs"] = "3600000"; // the safety poll is an hour away: only the NOTIFY can wake it
        h.Restart();
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        foreach (var service in h.Services.GetServices<IHostedService>())
        {
            await service.StartAsync(cts.Token);
            started.Add(service);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var service in started)
        {
            await service.StopAsync(CancellationToken.None);
        }
        await h.DisposeAsync();
    }

    [Fact]
    public async Task HostedWorker_ConsultationEnded_CapturedLongBeforeTheHourlySafetyPoll()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(h.Time.GetUtcNow()));
        var authorising = System.Diagnostics.Stopwatch.StartNew();
        while ((await h.DataSource.ChargeAsync(c.Id.Value)).Status != ChargeStatus.Authorized)
        {
            Assert.True(authorising.Elapsed < BillingHarness.Timeout, $"not authorised within {BillingHarness.Timeout}: the NOTIFY sent at commit did not wake the worker");
            await Task.Delay(20);
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        await h.DeliverAsync(c.Ended(h.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));

        while ((await h.DataSource.ChargeAsync(c.Id.Value)).Status != ChargeStatus.Captured)
        {
            Assert.True(started.Elapsed < BillingHarness.Timeout, $"not captured within {BillingHarness.Timeout}: the NOTIFY sent at commit did not wake the worker");
            await Task.Delay(20);
        }
        Assert.Equal(1, h.Stripe.TotalCaptures);
    }
}
