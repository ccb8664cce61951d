function i(l,o){let e=[],t=l;for(;t?.kind;)e.push(t),t=t.prevState;for(let a=e.length-1;a>=0;a--)o(e[a])}export{i as a};
