namespace Doctolib.Telehealth.StripeEmulator;

/// <summary>A PaymentIntent as the emulator keeps it.</summary>
public sealed class EmulatedPaymentIntent
{
    public required string Id { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string? Customer { get; init; }
    public string? PaymentMethod { get; init; }
    public required string ClientSecret { get; init; }
    public required long Created { get; init; }
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);
    public string CaptureMethod { get; init; } = "automatic";

    /// <summary>The payment method types given on create; empty when automatic payment methods decide.</summary>
    public IReadOnlyList<string> PaymentMethodTypes { get; init; } = [];
    public bool AutomaticPaymentMethods { get; init; }
    public string? AllowRedirects { get; init; }
    public string Status { get; set; } = "requires_payment_method";
    public long AmountCapturable { get; set; }
    public long AmountReceived { get; set; }
    public long AmountRefunded { get; set; }
    public string? LatestCharge { get; set; }
    public string? LastErrorCode { get; set; }
    public string? LastDeclineCode { get; set; }

    /// <summary>How many times this intent moved to captured; exactly-once tests expect 1.</summary>
    public int CaptureCount { get; set; }
}

/// <summary>A balance transaction as the emulator keeps it.</summary>
public sealed class EmulatedBalanceTransaction
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string Source { get; init; }
    public required string Currency { get; init; }
    public required long Created { get; init; }
    public long Amount { get; set; }
    public long Fee { get; set; }
    public string? PayoutId { get; set; }
}

/// <summary>A refund as the emulator keeps it.</summary>
public sealed record EmulatedRefund(string Id, string PaymentIntentId, string ChargeId, long Amount, string Currency, long Created);

/// <summary>An event the emulator produced, ready to be delivered (in any order, any number of times).</summary>
public sealed record EmulatedEvent(string Id, string Type, string Payload);

/// <summary>A webhook body and its Stripe-Signature header.</summary>
public sealed record SignedDelivery(string Payload, string SignatureHeader);

/// <summary>What an injected fault does to the next matching request.</summary>
public enum EmulatorFault
{
    /// <summary>Answer 500 before doing anything.</summary>
    ServerErrorBeforeProcessing,

    /// <summary>Do the work, then drop the connection: the caller never learns the outcome.</summary>
    LoseResponseAfterProcessing,
}
