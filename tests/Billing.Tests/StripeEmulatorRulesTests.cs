using System.Net;
using Doctolib.Telehealth.StripeEmulator;
using Stripe;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The emulator refuses what Stripe refuses, with Stripe's error shape, as Stripe.net reads it over real HTTP.
/// Each rule is one row of tests/StripeEmulator/README.md.</summary>
public sealed class StripeEmulatorRulesTests : IAsyncLifetime
{
    private StripeEmulatorServer stripe = null!;
    private PaymentIntentService intents = null!;
    private Stripe.RefundService refunds = null!;

    public async Task InitializeAsync()
    {
        stripe = await StripeEmulatorServer.StartAsync();
        var client = new StripeClient(StripeEmulatorServer.ApiKey, apiBase: stripe.BaseUrl,
            httpClient: new SystemNetHttpClient(new HttpClient(), maxNetworkRetries: 0));
        intents = new PaymentIntentService(client);
        refunds = new Stripe.RefundService(client);
    }

    public async Task DisposeAsync() => await stripe.DisposeAsync();

    private static PaymentIntentCreateOptions ConfirmedManual(Action<PaymentIntentCreateOptions>? shape = null)
    {
        var options = new PaymentIntentCreateOptions
        {
            Amount = 2500, Currency = "eur", Customer = "cus_1", PaymentMethod = "pm_card_visa",
            CaptureMethod = "manual", Confirm = true,
            AutomaticPaymentMethods = new PaymentIntentAutomaticPaymentMethodsOptions { Enabled = true, AllowRedirects = "never" },
        };
        shape?.Invoke(options);
        return options;
    }

    private static async Task<StripeError> Refused(HttpStatusCode status, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<StripeException>(call);
        Assert.Equal(status, e.HttpStatusCode);
        return e.StripeError;
    }

    [Fact]
    public async Task Create_ConfirmUnderAutomaticPaymentMethodsWithoutReturnUrl_IsRefusedNamingReturnUrl()
    {
        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(ConfirmedManual(o => o.AutomaticPaymentMethods = null)));

        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("return_url", error.Param);
        Assert.StartsWith("A `return_url` must be specified", error.Message, StringComparison.Ordinal);
        Assert.Empty(stripe.Intents);
    }

    [Fact]
    public async Task Create_ConfirmWithRedirectsAllowedAndNoReturnUrl_IsRefused()
    {
        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(ConfirmedManual(o => o.AutomaticPaymentMethods.AllowRedirects = "always")));

        Assert.Equal("return_url", error.Param);
    }

    [Fact]
    public async Task Create_ConfirmWithRedirectsNever_IsAuthorisedForManualCapture()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());

        Assert.Equal("requires_capture", pi.Status);
        Assert.Equal(2500, pi.AmountCapturable);
        Assert.Equal("never", pi.AutomaticPaymentMethods.AllowRedirects);
    }

    [Fact]
    public async Task Create_ConfirmWithReturnUrl_IsAuthorisedUnderAutomaticPaymentMethods()
    {
        var pi = await intents.CreateAsync(ConfirmedManual(o =>
        {
            o.AutomaticPaymentMethods = null;
            o.ReturnUrl = "https://telehealth.example/visit/return";
        }));

        Assert.Equal("requires_capture", pi.Status);
    }

    [Fact]
    public async Task Create_UnknownParameter_IsRefusedAsParameterUnknownNamingIt()
    {
        var options = ConfirmedManual();
        options.AddExtraParam("colour", "blue");

        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(options));

        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("parameter_unknown", error.Code);
        Assert.Equal("colour", error.Param);
        Assert.Equal("Received unknown parameter: colour", error.Message);
    }

    [Fact]
    public async Task Create_UnknownSubKeyOfAutomaticPaymentMethods_IsRefusedAsParameterUnknown()
    {
        var options = ConfirmedManual();
        options.AddExtraParam("automatic_payment_methods[redirects]", "never");

        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(options));

        Assert.Equal("parameter_unknown", error.Code);
        Assert.Equal("automatic_payment_methods[redirects]", error.Param);
    }

    [Fact]
    public async Task Create_BelowTheCurrencysMinimum_IsRefusedAsAmountTooSmall()
    {
        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(ConfirmedManual(o => o.Amount = 49)));

        Assert.Equal("amount_too_small", error.Code);
        Assert.Equal("amount", error.Param);
    }

    [Fact]
    public async Task Capture_AboveAmountCapturable_IsRefusedAsAmountTooLarge()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());

        var error = await Refused(HttpStatusCode.BadRequest,
            () => intents.CaptureAsync(pi.Id, new PaymentIntentCaptureOptions { AmountToCapture = 2501 }));

        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("amount_too_large", error.Code);
        Assert.Equal("amount_to_capture", error.Param);
        Assert.Equal("requires_capture", stripe.FindIntent(pi.Id)!.Status);
    }

    [Fact]
    public async Task Capture_OfAnIntentNotRequiringCapture_IsRefusedAsUnexpectedState()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());
        await intents.CaptureAsync(pi.Id);

        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CaptureAsync(pi.Id));

        Assert.Equal("payment_intent_unexpected_state", error.Code);
        Assert.Equal("succeeded", error.PaymentIntent.Status);
        Assert.Equal(1, stripe.FindIntent(pi.Id)!.CaptureCount);
    }

    [Fact]
    public async Task Cancel_OfASucceededIntent_IsRefusedAsUnexpectedState()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());
        await intents.CaptureAsync(pi.Id);

        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CancelAsync(pi.Id));

        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("payment_intent_unexpected_state", error.Code);
        Assert.Equal("succeeded", stripe.FindIntent(pi.Id)!.Status);
    }

    [Fact]
    public async Task Cancel_WithAnUndocumentedReason_IsRefusedNamingTheParameter()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());

        var error = await Refused(HttpStatusCode.BadRequest,
            () => intents.CancelAsync(pi.Id, new PaymentIntentCancelOptions { CancellationReason = "consultation_ended" }));

        Assert.Equal("parameter_invalid_string", error.Code);
        Assert.Equal("cancellation_reason", error.Param);
    }

    [Fact]
    public async Task Refund_AboveWhatIsLeft_IsRefusedAsAmountTooLarge()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());
        await intents.CaptureAsync(pi.Id);
        await refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 2000 });

        var error = await Refused(HttpStatusCode.BadRequest,
            () => refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 501 }));

        Assert.Equal("invalid_request_error", error.Type);
        Assert.Equal("amount_too_large", error.Code);
        Assert.Equal("amount", error.Param);
        Assert.Equal(2000, stripe.FindIntent(pi.Id)!.AmountRefunded);
    }

    [Fact]
    public async Task Refund_OfAnUncapturedIntent_IsRefused()
    {
        var pi = await intents.CreateAsync(ConfirmedManual());

        var error = await Refused(HttpStatusCode.BadRequest,
            () => refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi.Id, Amount = 100 }));

        Assert.Equal("charge_not_captured", error.Code);
        Assert.Empty(stripe.Refunds);
    }

    [Fact]
    public async Task IdempotencyKey_ReusedWithOtherParameters_IsRefusedAsIdempotencyError()
    {
        var key = new RequestOptions { IdempotencyKey = "consultation/1/authorize" };
        await intents.CreateAsync(ConfirmedManual(), key);

        var error = await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(ConfirmedManual(o => o.Amount = 3000), key));

        Assert.Equal("idempotency_error", error.Type);
        Assert.Single(stripe.Intents);
    }

    [Fact]
    public async Task IdempotencyKey_ReusedWithTheSameParameters_ReplaysTheFirstAnswer()
    {
        var key = new RequestOptions { IdempotencyKey = "consultation/2/authorize" };
        var first = await intents.CreateAsync(ConfirmedManual(), key);

        var second = await intents.CreateAsync(ConfirmedManual(), key);

        Assert.Equal(first.Id, second.Id);
        Assert.Single(stripe.Intents);
    }

    [Fact]
    public async Task IdempotencyKey_AfterAValidationError_StoresNoResultSoACorrectedRequestRuns()
    {
        var key = new RequestOptions { IdempotencyKey = "consultation/3/authorize" };
        await Refused(HttpStatusCode.BadRequest, () => intents.CreateAsync(ConfirmedManual(o => o.AutomaticPaymentMethods = null), key));

        var pi = await intents.CreateAsync(ConfirmedManual(), key);

        Assert.Equal("requires_capture", pi.Status);
        Assert.Single(stripe.Intents);
    }

    [Fact]
    public async Task IdempotencyKey_AfterACardDecline_ReplaysTheDecline()
    {
        var key = new RequestOptions { IdempotencyKey = "consultation/4/authorize" };
        var first = await Refused(HttpStatusCode.PaymentRequired,
            () => intents.CreateAsync(ConfirmedManual(o => o.PaymentMethod = "pm_card_chargeDeclined"), key));

        var second = await Refused(HttpStatusCode.PaymentRequired,
            () => intents.CreateAsync(ConfirmedManual(o => o.PaymentMethod = "pm_card_chargeDeclined"), key));

        Assert.Equal("card_declined", first.Code);
        Assert.Equal(first.PaymentIntent.Id, second.PaymentIntent.Id);
        Assert.Single(stripe.Intents);
    }

    [Fact]
    public async Task Search_AndBalanceList_AcceptTheParametersBillingSends()
    {
        var pi = await intents.CreateAsync(ConfirmedManual(o => o.Metadata = new() { ["appointment_id"] = "a-1" }));

        var found = await intents.SearchAsync(new PaymentIntentSearchOptions { Query = "metadata['appointment_id']:'a-1'", Limit = 10 });
        var balance = new BalanceTransactionService(new StripeClient(StripeEmulatorServer.ApiKey, apiBase: stripe.BaseUrl));
        var lines = await balance.ListAsync(new BalanceTransactionListOptions
        {
            Limit = 100, Created = new DateRangeOptions { GreaterThanOrEqual = DateTime.UtcNow.AddDays(-1), LessThan = DateTime.UtcNow.AddDays(1) },
        });

        Assert.Equal(pi.Id, Assert.Single(found.Data).Id);
        Assert.NotNull(lines.Data);
    }
}
