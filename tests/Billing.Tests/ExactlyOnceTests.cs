using Doctolib.Telehealth.Billing.Processing;
using Doctolib.Telehealth.StripeEmulator;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>A crash anywhere between "consultation ended" and "capture stored" neither loses nor doubles a charge.</summary>
public sealed class ExactlyOnceTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private DateTimeOffset Now => h.Time.GetUtcNow();

    private sealed class SimulatedCrash : Exception;

    private void CrashOnceAt(FaultPoint point, string keySuffix)
    {
        var fired = 0;
        h.Faults.Hook = (p, detail) =>
            p == point && detail.EndsWith(keySuffix, StringComparison.Ordinal) && Interlocked.Exchange(ref fired, 1) == 0
                ? throw new SimulatedCrash()
                : ValueTask.CompletedTask;
    }

    private async Task AssertCapturedOnceAsync(Consultation c)
    {
        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Captured, charge.Status);
        Assert.Equal(2500, charge.CapturedAmount);
        var pi = Assert.Single(h.Stripe.IntentsFor(c.Id.Value));
        Assert.Equal(1, pi.CaptureCount);
        Assert.Equal(1, h.Stripe.TotalCaptures);
        Assert.Equal([("authorized", 2500L), ("captured", 2500L)], await h.DataSource.LedgerAsync(c.Id.Value));
    }

    private async Task AuthorisedAsync(Consultation c)
    {
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
    }

    [Fact]
    public async Task Crash_InsideOutboxTransactionBeforeCommit_EventRedeliveredCapturedOnce()
    {
        var c = Consultation.Card();
        await AuthorisedAsync(c);
        CrashOnceAt(FaultPoint.OutboxHandled, c.Id.ToString());
        await Assert.ThrowsAsync<SimulatedCrash>(() => h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2))));
        Assert.Equal(0, await h.DataSource.CountAsync("SELECT count(*) FROM billing.payment_attempts WHERE kind = 'capture'"));

        h.Restart();
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task Crash_AfterEndCommittedBeforeStripeCall_RestartCapturesOnce()
    {
        var c = Consultation.Card();
        await AuthorisedAsync(c);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        CrashOnceAt(FaultPoint.BeforeProviderCall, "/capture");
        await Assert.ThrowsAsync<SimulatedCrash>(() => h.RunWorkerAsync());
        Assert.Equal(0, h.Stripe.TotalCaptures);

        h.Restart();
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task Crash_AfterStripeCaptureBeforeResultStored_RestartCapturesOnce()
    {
        var c = Consultation.Card();
        await AuthorisedAsync(c);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        CrashOnceAt(FaultPoint.AfterProviderCall, "/capture");
        await Assert.ThrowsAsync<SimulatedCrash>(() => h.RunWorkerAsync());
        Assert.Equal(1, h.Stripe.TotalCaptures);
        Assert.Equal(ChargeStatus.CapturePending, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);

        h.Restart();
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task Crash_AfterStripeAuthoriseBeforeResultStored_SameIntentReusedCapturedOnce()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(Now));
        CrashOnceAt(FaultPoint.AfterProviderCall, "/authorize");
        await Assert.ThrowsAsync<SimulatedCrash>(() => h.RunWorkerAsync());
        Assert.Single(h.Stripe.IntentsFor(c.Id.Value));

        h.Restart();
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task LostResponse_OnAuthorise_RetriedWithSameKeyGivesSameIntent()
    {
        var c = Consultation.Card();
        h.Stripe.InjectFault("create", EmulatorFault.LoseResponseAfterProcessing);
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        Assert.Equal(ChargeStatus.Authorizing, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);

        h.Time.Advance(TimeSpan.FromSeconds(11));
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task LostResponse_OnAuthoriseAndKeyExpired_IntentFoundByMetadataNotCreatedTwice()
    {
        var c = Consultation.Card();
        h.Stripe.InjectFault("create", EmulatorFault.LoseResponseAfterProcessing);
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        h.Stripe.ExpireIdempotencyKeys();

        h.Time.Advance(TimeSpan.FromSeconds(11));
        await h.RunWorkerAsync();
        Assert.Equal(ChargeStatus.Authorized, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task LostResponse_OnCapture_ResolvedByReadingTheIntentBack()
    {
        var c = Consultation.Card();
        await AuthorisedAsync(c);
        h.Stripe.InjectFault("capture", EmulatorFault.LoseResponseAfterProcessing);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        Assert.Equal(1, h.Stripe.TotalCaptures);

        h.Time.Advance(TimeSpan.FromSeconds(11));
        await h.RunWorkerAsync();
        await AssertCapturedOnceAsync(c);
    }

    [Fact]
    public async Task Crash_AfterStripeCancelBeforeResultStored_RestartReleasesOnce()
    {
        var c = Consultation.Card();
        await AuthorisedAsync(c);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromSeconds(5)));
        CrashOnceAt(FaultPoint.AfterProviderCall, "/cancel");
        await Assert.ThrowsAsync<SimulatedCrash>(() => h.RunWorkerAsync());

        h.Restart();
        await h.RunWorkerAsync();
        Assert.Equal(ChargeStatus.Released, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);
        Assert.Equal([("authorized", 2500L), ("released", 2500L)], await h.DataSource.LedgerAsync(c.Id.Value));
        Assert.Equal(0, h.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task UnexpectedError_OnOneAttempt_SetAsideAndOthersStillCaptured()
    {
        var broken = Consultation.Card();
        var healthy = Consultation.Card();
        await h.DeliverAsync(broken.Admitted(Now));
        await h.DeliverAsync(broken.Ended(Now, TimeSpan.FromMinutes(2)));
        await using (var connection = await h.DataSource.OpenConnectionAsync())
        {
            // Bad data: the attempt's charge row cannot be read back into a charge (a refund attempt without a refund).
            await Dapper.SqlMapper.ExecuteAsync(connection,
                "UPDATE billing.payment_attempts SET kind = 'refund' WHERE idempotency_key = @key", new { key = $"consultation/{broken.Id.Value:D}/authorize" });
        }
        await h.DeliverAsync(healthy.Admitted(Now));
        await h.DeliverAsync(healthy.Ended(Now, TimeSpan.FromMinutes(2)));

        await Assert.ThrowsAnyAsync<Exception>(() => h.RunWorkerAsync());
        await h.RunWorkerAsync();

        Assert.Equal(ChargeStatus.Captured, (await h.DataSource.ChargeAsync(healthy.Id.Value)).Status);
        Assert.Equal(ChargeStatus.CapturePending, (await h.DataSource.ChargeAsync(broken.Id.Value)).Status);
        Assert.Equal(1, h.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task TwoWorkers_RacingOverTheSameAttempts_EachConsultationCapturedOnce()
    {
        var consultations = Enumerable.Range(0, 20).Select(_ => Consultation.Card()).ToList();
        foreach (var c in consultations)
        {
            await h.DeliverAsync(c.Admitted(Now));
            await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        }
        var first = h.Worker;
        var second = h.Restart().GetRequiredServiceWorker();
        await Task.WhenAll(
            Task.Run(() => first.RunUntilIdleAsync(CancellationToken.None)).WaitAsync(BillingHarness.Timeout),
            Task.Run(() => second.RunUntilIdleAsync(CancellationToken.None)).WaitAsync(BillingHarness.Timeout));

        Assert.Equal(20, h.Stripe.TotalCaptures);
        Assert.Equal(20, h.Stripe.Intents.Count);
        Assert.All(h.Stripe.Intents, pi => Assert.Equal(1, pi.CaptureCount));
        Assert.Equal(20, await h.DataSource.CountAsync("SELECT count(*) FROM billing.ledger_entries WHERE kind = 'captured'"));
    }
}

internal static class ServiceProviderWorkerExtensions
{
    public static BillingWorker GetRequiredServiceWorker(this IServiceProvider services) =>
        (BillingWorker)services.GetService(typeof(BillingWorker))!;
}
