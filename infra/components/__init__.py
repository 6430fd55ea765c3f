"""One ComponentResource per file, each with a typed Args dataclass; children are parented
to their component, so `pulumi up` shows the tree and names stay unique."""
