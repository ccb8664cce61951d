import"./chunk-AMDKMROQ.js";import"./chunk-JSSOGFXD.js";import"./chunk-DFZTPQR2.js";
