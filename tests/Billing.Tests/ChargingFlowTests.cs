using Doctolib.Telehealth.StripeEmulator;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The whole card and third-party path: admit, end, capture or release, against the Stripe emulator.</summary>
public sealed class ChargingFlowTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private DateTimeOffset Now => h.Time.GetUtcNow();

    [Fact]
    public async Task CardPayer_AdmittedThenTwoMinutesOfMedia_AuthorisedThenCapturedOnce()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        var authorised = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Authorized, authorised.Status);
        var pi = Assert.Single(h.Stripe.IntentsFor(c.Id.Value));
        Assert.Equal("requires_capture", h.Stripe.FindIntent(pi.Id)!.Status);

        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();

        var captured = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Captured, captured.Status);
        Assert.Equal(2500, captured.CapturedAmount);
        Assert.Equal(1, h.Stripe.FindIntent(pi.Id)!.CaptureCount);
        Assert.Equal([("authorized", 2500L), ("captured", 2500L)], await h.DataSource.LedgerAsync(c.Id.Value));
        Assert.Contains(h.Notifier.Notices, n => n.AppointmentId == c.Id && n.Status == "captured");
    }

    [Fact]
    public async Task CardPayer_TwentySecondsOfMedia_HoldReleasedNothingCaptured()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromSeconds(20)));
        await h.RunWorkerAsync();

        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Released, charge.Status);
        Assert.Equal("below_minimum_live_media", charge.UnbillableReason);
        Assert.Equal("canceled", Assert.Single(h.Stripe.IntentsFor(c.Id.Value)).Status);
        Assert.Equal(0, h.Stripe.TotalCaptures);
        Assert.Equal([("authorized", 2500L), ("released", 2500L)], await h.DataSource.LedgerAsync(c.Id.Value));
    }

    [Fact]
    public async Task CardPayer_MarkedUnbillableByPractitioner_HoldReleased()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(10), markedBillable: false, unbillableReason: "technical_problem"));
        await h.RunWorkerAsync();

        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Released, charge.Status);
        Assert.Equal("technical_problem", charge.UnbillableReason);
        Assert.Equal(0, h.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task ThirdPartyPayer_Billable_ClaimRecordedAndNoCardCall()
    {
        var c = Consultation.ThirdParty(3000);
        await h.DeliverAsync(c.Admitted(Now));
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(5)));
        await h.RunWorkerAsync();

        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.ClaimRecorded, charge.Status);
        Assert.Equal([("claim", 3000L)], await h.DataSource.LedgerAsync(c.Id.Value));
        Assert.Equal(0, h.Stripe.RequestCount);
    }

    [Fact]
    public async Task DeclinedCard_Authorisation_DeclinedBothToldAndBillableEndNeedsAttention()
    {
        var c = Consultation.Card("pm_card_chargeDeclined");
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();

        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Declined, charge.Status);
        Assert.Contains(h.Notifier.Notices, n => n.AppointmentId == c.Id && n.Status == "declined");
        Assert.Equal([("failed", 2500L)], await h.DataSource.LedgerAsync(c.Id.Value));

        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(5)));
        await h.RunWorkerAsync();
        var ended = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Failed, ended.Status);
        Assert.True(ended.NeedsAttention);
        Assert.Equal(0, h.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task ThreeDSecure_RequiredAtAuthorisation_PendingUntilPatientActsThenCaptured()
    {
        var c = Consultation.Card("pm_card_authenticationRequired");
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();

        var pending = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.RequiresAction, pending.Status);
        var notice = Assert.Single(h.Notifier.Notices, n => n.Status == "requires_action");
        Assert.False(string.IsNullOrEmpty(notice.ClientSecret));

        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(3)));
        await h.RunWorkerAsync();
        Assert.Equal(ChargeStatus.CapturePending, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);

        Assert.True(h.Stripe.CompleteAction(pending.PaymentIntentId!));
        h.Time.Advance(TimeSpan.FromSeconds(11));
        await h.RunWorkerAsync();
        var captured = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Captured, captured.Status);
        Assert.Equal(1, h.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task Capture_FailsTwiceThenSucceeds_CapturedOnceWithSameKey()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        h.Stripe.InjectFault("capture", EmulatorFault.ServerErrorBeforeProcessing, times: 2);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();
        Assert.Equal(ChargeStatus.CapturePending, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);

        h.Time.Advance(TimeSpan.FromSeconds(11));
        await h.RunWorkerAsync();
        Assert.Equal(ChargeStatus.CapturePending, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);
        h.Time.Advance(TimeSpan.FromSeconds(21));
        await h.RunWorkerAsync();

        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Captured, charge.Status);
        Assert.Equal(1, h.Stripe.TotalCaptures);
        Assert.Equal(3, await h.DataSource.CountAsync(
            "SELECT tries FROM billing.payment_attempts WHERE idempotency_key = @key", new { key = $"consultation/{c.Id.Value:D}/capture" }));
    }

    [Fact]
    public async Task Capture_FailsEveryTry_LandsInNeedsAttention()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Admitted(Now));
        await h.RunWorkerAsync();
        h.Stripe.InjectFault("capture", EmulatorFault.ServerErrorBeforeProcessing, times: 10);
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        for (var i = 0; i < 5; i++)
        {
            await h.RunWorkerAsync();
            h.Time.Advance(TimeSpan.FromSeconds(31));
        }
        var charge = await h.DataSource.ChargeAsync(c.Id.Value);
        Assert.Equal(ChargeStatus.Failed, charge.Status);
        Assert.True(charge.NeedsAttention);
        Assert.Equal(0, h.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task ZeroDecimalCurrency_Jpy_CapturesTheSameWholeYen()
    {
        var c = Consultation.Card(amount: 5000, currency: "JPY");
        await h.DeliverAsync(c.Admitted(Now));
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();

        var pi = Assert.Single(h.Stripe.IntentsFor(c.Id.Value));
        Assert.Equal(5000, pi.Amount);
        Assert.Equal("jpy", pi.Currency);
        Assert.Equal(5000, pi.AmountReceived);
        Assert.Equal([("authorized", 5000L), ("captured", 5000L)], await h.DataSource.LedgerAsync(c.Id.Value));
    }

    [Fact]
    public async Task EndedWithoutAdmissionEvent_Billable_AuthorisesThenCapturesOnce()
    {
        var c = Consultation.Card();
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.DeliverAsync(c.Ended(Now, TimeSpan.FromMinutes(2)));
        await h.RunWorkerAsync();

        Assert.Equal(ChargeStatus.Captured, (await h.DataSource.ChargeAsync(c.Id.Value)).Status);
        Assert.Single(h.Stripe.IntentsFor(c.Id.Value));
        Assert.Equal(1, h.Stripe.TotalCaptures);
    }
}
