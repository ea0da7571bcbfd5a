namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Points in the charging flow where tests simulate a crash.</summary>
internal enum FaultPoint
{
    /// <summary>Inside the outbox transaction, after billing wrote its rows, before the commit.</summary>
    OutboxHandled,

    /// <summary>After the attempt (and its idempotency key) is committed, just before the provider call.</summary>
    BeforeProviderCall,

    /// <summary>After the provider answered, before its answer is stored.</summary>
    AfterProviderCall,

    /// <summary>After a webhook event row is written, before its effects are stored.</summary>
    WebhookStored,
}

/// <summary>A hook tests set to throw at a <see cref="FaultPoint"/>; does nothing in production.</summary>
internal sealed class FaultInjector
{
    public Func<FaultPoint, string, ValueTask>? Hook { get; set; }

    public ValueTask At(FaultPoint point, string detail) => Hook?.Invoke(point, detail) ?? ValueTask.CompletedTask;
}
