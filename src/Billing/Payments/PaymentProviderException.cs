namespace Doctolib.Telehealth.Billing.Payments;

/// <summary>How a provider call failed, which decides what happens next.</summary>
internal enum ProviderFailure
{
    /// <summary>The card was declined or needs another payment method: final, tell the patient.</summary>
    Declined,

    /// <summary>The object is not in a state that allows the call: re-read it to learn what happened.</summary>
    InvalidState,

    /// <summary>The provider said "try again" (5xx, 429, lock conflict): retry with the same key.</summary>
    Transient,

    /// <summary>No answer (timeout, connection lost): the call may or may not have happened. Retry with the same key
    /// or read the object back, never a new call.</summary>
    Unknown,

    /// <summary>A request the provider rejects for good (bad parameters, key reused with other parameters).</summary>
    Permanent,
}

internal sealed class PaymentProviderException(ProviderFailure failure, string code, string message, IntentSnapshot? intent = null, Exception? inner = null)
    : Exception(message, inner)
{
    public ProviderFailure Failure { get; } = failure;

    public string Code { get; } = code;

    public IntentSnapshot? Intent { get; } = intent;

    public bool IsRetryable => Failure is ProviderFailure.Transient or ProviderFailure.Unknown;
}
