using Doctolib.Telehealth.Billing.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>Without a Stripe key billing runs on its local payment emulator (state in the billing schema), and says so at start.</summary>
public sealed class LocalProviderTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private sealed class Collector : ILoggerProvider, ILogger
    {
        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines)
            {
                Lines.Add(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task NoStripeKey_WholeFlow_CapturedByTheLocalEmulatorAndAnnounced()
    {
        h.Overrides["STRIPE_SECRET_KEY"] = "";
        var collector = new Collector();
        var services = h.Restart();
        services.GetRequiredService<ILoggerFactory>().AddProvider(collector);
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
        Assert.IsType<LocalPaymentProvider>(services.GetRequiredService<IPaymentProvider>());
        Assert.Contains(collector.Lines, l => l.Contains("LOCAL PAYMENT EMULATOR", StringComparison.Ordinal));

        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(h.Time.GetUtcNow()));
        await h.DeliverAsync(c.Ended(h.Time.GetUtcNow(), TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();

        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Captured, charge.Status);
        Assert.StartsWith("pi_local_", charge.PaymentIntentId);
        Assert.Equal(0, h.Stripe.RequestCount);
        using var cts = new CancellationTokenSource(BillingHarness.Timeout);
        Assert.Equal("succeeded", (await h.Refunds.RefundAsync(charge.Id, 500, "test", "billing-1", cts.Token)).Status);
    }
}
