using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>Steps people take in the pages, shared by the flows: open a link, pass the device check, wait to be
/// admitted, and the check that a page really decodes remote video (getStats through the page's test hook).</summary>
internal static class Visit
{
    public const string DecodesVideoFrom = """
        async (count) => {
          const hook = window.__telehealth;
          if (!hook || !hook.pc) return false;
          const stats = await hook.stats();
          const decoding = stats.filter(s => s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0);
          return decoding.length >= count;
        }
        """;

    private const string FramesDecoded = """
        async () => {
          const hook = window.__telehealth;
          if (!hook || !hook.pc) return 0;
          const stats = await hook.stats();
          return stats.filter(s => s.type === 'inbound-rtp' && s.kind === 'video').reduce((sum, s) => sum + (s.framesDecoded ?? 0), 0);
        }
        """;

    /// <summary>Video keeps decoding now (not only at some time in the past): the frame count grows.</summary>
    public static async Task WaitFramesGrowingAsync(IPage page)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(25);
        var before = await page.EvaluateAsync<long>(FramesDecoded).WaitAsync(BrowserWorld.Step);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(1000);
            var now = await page.EvaluateAsync<long>(FramesDecoded).WaitAsync(BrowserWorld.Step);
            if (now > before + 5)
            {
                return;
            }
            before = Math.Max(before, now);
        }
        throw new TimeoutException("Remote video stopped decoding (framesDecoded did not grow for 25 s).");
    }

    public static async Task<List<string>> OpenAsync(IPage page, string path, string token)
    {
        var console = new List<string>();
        page.Console += (_, message) =>
        {
            lock (console)
            {
                console.Add(message.Text);
            }
        };
        await page.GotoAsync($"{path}#token={token}").WaitAsync(BrowserWorld.Step);
        return console;
    }

    public static async Task PassDeviceCheckAsync(IPage page, string? screenshot = null)
    {
        await Expect(page.GetByTestId("join")).ToBeEnabledAsync();
        await page.WaitForFunctionAsync(
            "() => Number(document.querySelector('[data-testid=mic-meter]')?.getAttribute('aria-valuenow') ?? 0) > 0",
            null, new PageWaitForFunctionOptions { Timeout = 10_000, PollingInterval = 100 }).WaitAsync(BrowserWorld.Step);
        if (screenshot is not null)
        {
            await BrowserWorld.ScreenshotAsync(page, screenshot);
        }
        await page.GetByTestId("join").ClickAsync().WaitAsync(BrowserWorld.Step);
    }

    /// <summary>Waits until the page decodes video from <paramref name="streams"/> remote tracks. Polls with
    /// EvaluateAsync: WaitForFunction would take the async predicate's promise itself as a truthy answer.</summary>
    public static Task WaitDecodingAsync(IPage page, int streams = 1) =>
        UntilAsync(page, DecodesVideoFrom, streams, $"video decoding from {streams} remote track(s)");

    /// <summary>Polls an async predicate in the page until it returns a value that is not null/false, or fails after 25 s.</summary>
    public static async Task<System.Text.Json.JsonElement> UntilAsync(IPage page, string predicate, object? argument, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(25);
        while (true)
        {
            var value = await page.EvaluateAsync<System.Text.Json.JsonElement>(predicate, argument).WaitAsync(BrowserWorld.Step);
            if (value.ValueKind is not (System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.False or System.Text.Json.JsonValueKind.Undefined))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after 25 s waiting for {what}.");
            }
            await Task.Delay(250);
        }
    }

    public static async Task SendChatAsync(IPage page, string text)
    {
        await page.GetByTestId("chat-input").FillAsync(text).WaitAsync(BrowserWorld.Step);
        await page.GetByTestId("chat-send").ClickAsync().WaitAsync(BrowserWorld.Step);
    }
}
