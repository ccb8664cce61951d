import{a}from"./chunk-ZHI4H6CH.js";import"./chunk-JSSOGFXD.js";import"./chunk-DFZTPQR2.js";export default a();
