namespace Doctolib.Telehealth.Signaling.Tests.Support;

/// <summary>Waits, bounded, for something that happens after an asynchronous push (a hub event, a row).</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        T value;
        while (!done(value = await read()))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}; last value: {(value is System.Collections.IEnumerable list and not string ? string.Join(", ", list.Cast<object>()) : value)}");
            }
            await Task.Delay(50);
        }
        return value;
    }
}
