package dev.bitnet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IHelpSectionRenderer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Renders a command's option list in sections: first the command's own options, then one section per mixin that is
 * a {@link HelpSection} (model and loading, sampling), each under its heading. Columns line up across sections.
 */
final class SectionedOptionList implements IHelpSectionRenderer {
    /** Installs the renderer on a command line and all its subcommands. */
    static void install(CommandLine cli) {
        cli.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST, new SectionedOptionList());
        cli.getSubcommands().values().forEach(SectionedOptionList::install);
    }

    @Override
    public String render(Help help) {
        CommandSpec spec = help.commandSpec();
        List<String> sections = new ArrayList<>();
        Set<String> inSections = new HashSet<>();
        for (CommandSpec mixin : spec.mixins().values()) {
            if (!(mixin.userObject() instanceof HelpSection section)) continue;
            List<OptionSpec> options = mixin.options().stream().filter(o -> !o.hidden()).toList();
            options.forEach(o -> inSections.add(o.longestName()));
            sections.add(String.format("%n%s:%n", section.helpHeading()) + help.optionListExcludingGroups(options));
        }
        List<OptionSpec> own = spec.options().stream().filter(o -> !o.hidden() && !inSections.contains(o.longestName())).toList();
        return help.optionListExcludingGroups(own) + String.join("", sections);
    }
}
