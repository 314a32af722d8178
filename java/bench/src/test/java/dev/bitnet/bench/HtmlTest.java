package dev.bitnet.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HtmlTest {
    @Test
    void markupCharactersBecomeEntities() {
        assertEquals("a &amp; b &lt;i&gt; &quot;q&quot; &#39;s&#39;", Html.escape("a & b <i> \"q\" 's'"));
        assertEquals("&amp;amp;", Html.escape("&amp;"), "already-escaped text is escaped again (it is text)");
        assertEquals("", Html.escape(null));
    }

    @Test
    void charactersXmlForbidsAreReplacedAndTheRestKept() {
        assertEquals("a\uFFFDb\uFFFDc\td\ne", Html.escape("a\u0000b\u001Bc\td\ne"));
        assertEquals("\uFFFD\uFFFD", Html.escape("\uD800\uFFFE"), "a lone surrogate, a non-character");
        assertEquals("\uD83D\uDE00 \u00b1 \u2014 \u00e9", Html.escape("\uD83D\uDE00 \u00b1 \u2014 \u00e9"), "a pair and plain non-ASCII stay");
    }
}
