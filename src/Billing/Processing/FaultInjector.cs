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

/// <summary>A hook tests set to throw at a <see cref="FaultPoint"/>; does nothing in production. What the hook throws
/// stands for the process dying there, so it is marked and no in-process recovery code treats it as an error.</summary>
internal sealed class FaultInjector
{
    private const string CrashMark = "telehealth.simulated-crash";

    public Func<FaultPoint, string, ValueTask>? Hook { get; set; }

    public async ValueTask At(FaultPoint point, string detail)
    {
        if (Hook is null)
        {
            return;
        }
        try
        {
            await Hook(point, detail);
        }
        catch (Exception e)
        {
            e.Data[CrashMark] = true;
            throw;
        }
    }

    public static bool IsCrash(Exception e) => e.Data.Contains(CrashMark);
}
