using Doctolib.Telehealth.Billing.Payments;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The local payment emulator keeps its state in the database: two instances over one database (two nodes)
/// see the same intents, replies and refunds, and a new instance (a restart) still finds them.</summary>
public sealed class LocalProviderSharedStateTests : IAsyncLifetime
{
    private BillingHarness h = null!;

    public async Task InitializeAsync() => h = await BillingHarness.StartAsync();

    public async Task DisposeAsync() => await h.DisposeAsync();

    private LocalPaymentProvider Node() => new(h.DataSource, h.Time);

    private static AuthorizationRequest Request(Guid appointmentId, string paymentMethod = "pm_card_visa") =>
        new(appointmentId, 5000, "EUR", "cus_local", paymentMethod);

    private static CancellationToken Token() => new CancellationTokenSource(BillingHarness.Timeout).Token;

    [Fact]
    public async Task IntentAuthorisedOnOneNode_IsCapturedByAnother()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();

        var authorised = await a.AuthorizeAsync(Request(appointmentId), $"consultation/{appointmentId}/authorize", Token());
        var captured = await b.CaptureAsync(authorised.Id, $"consultation/{appointmentId}/capture", Token());

        Assert.Equal("requires_capture", authorised.Status);
        Assert.Equal("succeeded", captured.Status);
        Assert.Equal(5000, captured.AmountReceived);
        Assert.Equal("succeeded", (await a.GetAsync(authorised.Id, Token())).Status);
        var lines = new List<BalanceLine>();
        await foreach (var line in a.ListBalanceTransactionsAsync(null, null, null, Token()))
        {
            lines.Add(line);
        }
        var charge = Assert.Single(lines);
        Assert.Equal(("charge", authorised.LatestChargeId, 5000L, 5000L * 15 / 1000 + 25), (charge.Type, (string?)charge.Source, charge.Amount, charge.Fee));
    }

    [Fact]
    public async Task IdempotencyKeyReplayedOnAnotherNode_ReturnsTheSameIntent()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();
        var key = $"consultation/{appointmentId}/authorize";

        var first = await a.AuthorizeAsync(Request(appointmentId), key, Token());
        var again = await b.AuthorizeAsync(Request(appointmentId), key, Token());

        Assert.Equal(first, again);
    }

    [Fact]
    public async Task StoredDecline_IsReplayedAsADeclineOnAnotherNode()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();
        var key = $"consultation/{appointmentId}/authorize";

        var first = await Assert.ThrowsAsync<PaymentProviderException>(() => a.AuthorizeAsync(Request(appointmentId, "pm_card_decline"), key, Token()));
        var again = await Assert.ThrowsAsync<PaymentProviderException>(() => b.AuthorizeAsync(Request(appointmentId, "pm_card_decline"), key, Token()));

        Assert.Equal((ProviderFailure.Declined, "card_declined"), (first.Failure, first.Code));
        Assert.Equal((ProviderFailure.Declined, "card_declined"), (again.Failure, again.Code));
        Assert.Equal(first.Intent, again.Intent);
        Assert.Equal("requires_payment_method", again.Intent!.Status);
    }

    [Fact]
    public async Task StoredInvalidStateError_IsReplayedOnAnotherNode()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();
        var pi = await a.AuthorizeAsync(Request(appointmentId), $"consultation/{appointmentId}/authorize", Token());
        await a.CancelAsync(pi.Id, $"consultation/{appointmentId}/cancel", Token());

        var first = await Assert.ThrowsAsync<PaymentProviderException>(() => a.CaptureAsync(pi.Id, "capture-after-cancel", Token()));
        var again = await Assert.ThrowsAsync<PaymentProviderException>(() => b.CaptureAsync(pi.Id, "capture-after-cancel", Token()));

        Assert.Equal((ProviderFailure.InvalidState, "payment_intent_unexpected_state"), (first.Failure, first.Code));
        Assert.Equal((first.Failure, first.Code, first.Message), (again.Failure, again.Code, again.Message));
        Assert.Equal("canceled", again.Intent!.Status);
    }

    [Fact]
    public async Task RefundOverWhatIsLeft_IsRefusedWhicheverNodeAsks()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();
        var pi = await a.AuthorizeAsync(Request(appointmentId), $"consultation/{appointmentId}/authorize", Token());
        await b.CaptureAsync(pi.Id, $"consultation/{appointmentId}/capture", Token());

        var refund = await a.RefundAsync(pi.Id, 3000, Guid.NewGuid(), "refund/1", Token());
        var onB = await Assert.ThrowsAsync<PaymentProviderException>(() => b.RefundAsync(pi.Id, 2001, Guid.NewGuid(), "refund/2", Token()));
        var onA = await Assert.ThrowsAsync<PaymentProviderException>(() => a.RefundAsync(pi.Id, 2001, Guid.NewGuid(), "refund/3", Token()));
        var rest = await b.RefundAsync(pi.Id, 2000, Guid.NewGuid(), "refund/4", Token());
        var replayed = await b.RefundAsync(pi.Id, 3000, Guid.NewGuid(), "refund/1", Token());

        Assert.Equal(("succeeded", 3000L), (refund.Status, refund.Amount));
        Assert.Equal("amount_too_large", onB.Code);
        Assert.Equal("amount_too_large", onA.Code);
        Assert.Equal(("succeeded", 2000L), (rest.Status, rest.Amount));
        Assert.Equal(refund, replayed);
    }

    [Fact]
    public async Task NewInstanceAfterARestart_StillFindsTheIntentByAppointmentAndCapturesIt()
    {
        var appointmentId = Guid.NewGuid();
        var pi = await Node().AuthorizeAsync(Request(appointmentId), $"consultation/{appointmentId}/authorize", Token());

        var restarted = Node();
        var found = await restarted.FindByAppointmentAsync(appointmentId, Token());
        var captured = await restarted.CaptureAsync(pi.Id, $"consultation/{appointmentId}/capture", Token());

        Assert.Equal(pi, found);
        Assert.Null(await restarted.FindByAppointmentAsync(Guid.NewGuid(), Token()));
        Assert.Equal("succeeded", captured.Status);
    }

    [Fact]
    public async Task AuthenticationRequired_IsConfirmedOnAnotherNodeThenCancelIsRefusedOnceCaptured()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();
        var pi = await a.AuthorizeAsync(Request(appointmentId, "pm_card_authenticationRequired"), $"consultation/{appointmentId}/authorize", Token());

        var confirmed = await b.ConfirmAuthenticationAsync(pi.Id, $"consultation/{appointmentId}/confirm", Token());
        await a.CaptureAsync(pi.Id, $"consultation/{appointmentId}/capture", Token());
        var cancel = await Assert.ThrowsAsync<PaymentProviderException>(() => b.CancelAsync(pi.Id, $"consultation/{appointmentId}/cancel", Token()));

        Assert.Equal(("requires_action", 0L), (pi.Status, pi.AmountCapturable));
        Assert.Equal(("requires_capture", 5000L), (confirmed.Status, confirmed.AmountCapturable));
        Assert.Equal(ProviderFailure.InvalidState, cancel.Failure);
    }

    [Fact]
    public async Task ConcurrentCapturesFromTwoNodes_CaptureOnceAndBookOneBalanceLine()
    {
        var (a, b) = (Node(), Node());
        var appointmentId = Guid.NewGuid();
        var pi = await a.AuthorizeAsync(Request(appointmentId), $"consultation/{appointmentId}/authorize", Token());

        var results = await Task.WhenAll(
            Outcome(a.CaptureAsync(pi.Id, "capture-a", Token())), Outcome(b.CaptureAsync(pi.Id, "capture-b", Token())));

        Assert.Single(results, r => r == "succeeded");
        Assert.Single(results, r => r == "payment_intent_unexpected_state");
        var count = 0;
        await foreach (var _ in b.ListBalanceTransactionsAsync(null, null, null, Token()))
        {
            count++;
        }
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task BalanceLines_AreListedByTimeRange()
    {
        var node = Node();
        var appointmentId = Guid.NewGuid();
        var pi = await node.AuthorizeAsync(Request(appointmentId), $"consultation/{appointmentId}/authorize", Token());
        var before = h.Time.GetUtcNow();
        await node.CaptureAsync(pi.Id, $"consultation/{appointmentId}/capture", Token());
        h.Time.Advance(TimeSpan.FromHours(1));
        var later = h.Time.GetUtcNow();
        await Node().RefundAsync(pi.Id, 100, Guid.NewGuid(), "refund/x", Token());

        Assert.Equal(["charge"], await Types(node, before - TimeSpan.FromSeconds(1), later));
        Assert.Equal(["refund"], await Types(node, later, null));
        Assert.Equal(["charge", "refund"], await Types(node, null, null));
    }

    private static async Task<List<string>> Types(LocalPaymentProvider node, DateTimeOffset? from, DateTimeOffset? to)
    {
        var types = new List<string>();
        await foreach (var line in node.ListBalanceTransactionsAsync(null, from, to, Token()))
        {
            types.Add(line.Type);
        }
        return types;
    }

    private static async Task<string> Outcome(Task<IntentSnapshot> call)
    {
        try
        {
            return (await call).Status;
        }
        catch (PaymentProviderException e)
        {
            return e.Code;
        }
    }
}
