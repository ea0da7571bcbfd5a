using System.Text.Json;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>The visit page's steps in Firefox, the counterparts of <see cref="Visit"/>.</summary>
internal static class FirefoxVisit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(25);

    public static async Task OpenAsync(FirefoxPage page, Uri address, CancellationToken cancellationToken) =>
        await page.GotoAsync(address, cancellationToken).WaitAsync(BrowserWorld.Step, cancellationToken);

    /// <summary>Waits for the join button (camera and microphone opened), then joins. Unlike <see cref="Visit"/>, it does
    /// not wait for the microphone meter: headless Firefox on a machine without a sound device never starts an
    /// AudioContext (resume() stays pending), so the meter stays at 0 although the microphone track is live and its
    /// audio reaches the other side (the tests check that from the receiver's stats).</summary>
    public static async Task PassDeviceCheckAsync(FirefoxPage page, CancellationToken cancellationToken)
    {
        await UntilAsync(page, "() => { const b = document.querySelector('[data-testid=join]'); return !!b && !b.disabled; }",
            "the join button to be enabled", cancellationToken);
        await page.EvaluateAsync("() => document.querySelector('[data-testid=join]').click()", cancellationToken).WaitAsync(BrowserWorld.Step, cancellationToken);
    }

    public static Task WaitVisibleAsync(FirefoxPage page, string testId, CancellationToken cancellationToken) =>
        UntilAsync(page,
            $"() => {{ const e = document.querySelector('[data-testid={testId}]'); return !!e && e.getClientRects().length > 0; }}",
            $"[data-testid={testId}] to be visible", cancellationToken);

    public static Task WaitDecodingAsync(FirefoxPage page, CancellationToken cancellationToken) =>
        UntilAsync(page, $"async () => ({PeerStats.Inbound})('').then(s => s.videoStreams >= 1)",
            "video decoding from the remote track", cancellationToken);

    /// <summary>Video keeps decoding now: framesDecoded grows by more than 5 within 25 s.</summary>
    public static async Task WaitFramesGrowingAsync(FirefoxPage page, CancellationToken cancellationToken)
    {
        var before = (await InboundAsync(page, cancellationToken)).GetProperty("framesDecoded").GetInt64();
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000, cancellationToken);
            var now = (await InboundAsync(page, cancellationToken)).GetProperty("framesDecoded").GetInt64();
            if (now > before + 5)
            {
                return;
            }
        }
        throw new TimeoutException("Remote video stopped decoding in Firefox (framesDecoded did not grow for 25 s).");
    }

    public static async Task<JsonElement> InboundAsync(FirefoxPage page, CancellationToken cancellationToken) =>
        await page.EvaluateAsync(PeerStats.Inbound, cancellationToken, "").WaitAsync(BrowserWorld.Step, cancellationToken);

    /// <summary>The selected candidate pair (see <see cref="PeerStats.SelectedPair"/>), once one has succeeded.</summary>
    public static Task<JsonElement> SelectedPairAsync(FirefoxPage page, CancellationToken cancellationToken) =>
        UntilAsync(page, $"async () => ({PeerStats.SelectedPair})('')", "a selected candidate pair", cancellationToken);

    /// <summary>Polls a page function until it returns something other than null/false/undefined, or fails after 25 s.</summary>
    public static async Task<JsonElement> UntilAsync(FirefoxPage page, string function, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await page.EvaluateAsync(function, cancellationToken).WaitAsync(BrowserWorld.Step, cancellationToken);
            if (value.ValueKind is not (JsonValueKind.Null or JsonValueKind.False or JsonValueKind.Undefined))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after 25 s waiting in Firefox for {what}.");
            }
            await Task.Delay(250, cancellationToken);
        }
    }
}
